import { expect, test } from "@playwright/test";
import { ACME, acceptAsNewUser, createProject, formAlert, invite, newAccount, orgSwitcher, projectCell, sidebarNav, signInAsAdmin, unique } from "./support/flows";

const DUPLICATE = "A project with this name already exists in this organization.";

test.describe("projects and organizations", () => {
  test("admin creates, renames and deletes a project; duplicate names are refused", async ({ page }) => {
    await signInAsAdmin(page);
    await sidebarNav(page).getByRole("link", { name: "Projects", exact: true }).click();
    await expect(page).toHaveURL(`/o/${ACME.slug}/projects`);
    await expect(sidebarNav(page).getByRole("link", { name: "Projects", exact: true })).toHaveAttribute("aria-current", "page");

    const name = unique("Billing service");
    await createProject(page, name);

    // The same name again is refused with a field error.
    const nameField = page.getByLabel("New project name");
    await nameField.fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByText(DUPLICATE)).toBeVisible();
    await expect(nameField).toHaveAttribute("aria-invalid", "true");
    await expect(projectCell(page, name)).toHaveCount(1);

    // Rename: to an existing name is refused, to a new one works.
    await page.getByRole("button", { name: `Rename ${name}` }).click();
    const renameDialog = page.getByRole("dialog", { name: `Rename ${name}` });
    await expect(renameDialog).toBeVisible();
    const projectName = renameDialog.getByLabel("Project name");
    await expect(projectName).toHaveValue(name);
    await projectName.fill("Website");
    await renameDialog.getByRole("button", { name: "Save" }).click();
    await expect(renameDialog.getByText(DUPLICATE)).toBeVisible();

    const renamed = unique("Invoicing service");
    await projectName.fill(renamed);
    await renameDialog.getByRole("button", { name: "Save" }).click();
    await expect(renameDialog).toBeHidden();
    await expect(projectCell(page, renamed)).toBeVisible();
    await expect(projectCell(page, name)).toHaveCount(0);

    // Delete, after a cancelled first attempt.
    await page.getByRole("button", { name: `Delete ${renamed}` }).click();
    const deleteDialog = page.getByRole("dialog", { name: `Delete ${renamed}?` });
    await deleteDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(deleteDialog).toBeHidden();
    await expect(projectCell(page, renamed)).toBeVisible();

    // It says what dies with it, and asks for the name typed.
    await page.getByRole("button", { name: `Delete ${renamed}` }).click();
    await expect(deleteDialog.getByTestId("delete-project-consequence")).toHaveText("No live token is limited to this project.");
    const deleteButton = deleteDialog.getByRole("button", { name: "Delete project" });
    await expect(deleteButton).toBeDisabled();
    await deleteDialog.getByLabel(`Type ${renamed} to confirm`).fill(renamed);
    await deleteButton.click();
    await expect(deleteDialog).toBeHidden();
    await expect(projectCell(page, renamed)).toHaveCount(0);

    await page.reload();
    await expect(projectCell(page, renamed)).toHaveCount(0);
    await expect(projectCell(page, "Website")).toBeVisible();
  });

  test("a dropped connection while saving keeps the form and says so; saving again works", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto(`/o/${ACME.slug}/projects`);
    const name = unique("Offline project");
    // Server actions POST to the page's own URL with a Next-Action header: drop exactly those.
    await page.route(`**/o/${ACME.slug}/projects`, (route) => (route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue()));
    await page.getByLabel("New project name").fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(formAlert(page)).toContainText("Keysmith did not answer");
    await expect(page.getByLabel("New project name")).toHaveValue(name);
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();

    await page.unroute(`**/o/${ACME.slug}/projects`);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(projectCell(page, name)).toBeVisible();
  });

  test("admin creates a second org from the switcher, switches between the two and renames one", async ({ page }) => {
    await signInAsAdmin(page);
    const secondName = `Second Org ${Date.now()}`;

    await orgSwitcher(page, ACME.name).click();
    await page.getByRole("menuitem", { name: "Create organization" }).click();
    await expect(page).toHaveURL("/orgs/new");
    await expect(page.getByRole("heading", { name: "Create an organization" })).toBeVisible();
    await page.getByLabel("Organization name").fill(secondName);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(page).toHaveURL(/\/o\/second-org-\d+$/);
    const secondSlug = new URL(page.url()).pathname.split("/")[2];
    await expect(orgSwitcher(page, secondName)).toContainText(`${secondSlug} · Admin`);
    await expect(page.getByRole("heading", { level: 1, name: secondName })).toBeVisible();
    // A new org starts empty.
    await page.goto(`/o/${secondSlug}/projects`);
    await expect(page.getByText("No projects yet")).toBeVisible();

    // Switch to acme, then back.
    await orgSwitcher(page, secondName).click();
    await page.getByRole("menuitem", { name: new RegExp(`^${ACME.name.replace(".", "\\.")}`) }).click();
    await expect(page).toHaveURL(`/o/${ACME.slug}`);
    await expect(orgSwitcher(page, ACME.name)).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: ACME.name })).toBeVisible();

    await orgSwitcher(page, ACME.name).click();
    await expect(page.getByRole("menuitem", { name: `${ACME.name} Current` })).toBeVisible();
    await page.getByRole("menuitem", { name: new RegExp(`^${secondName}`) }).click();
    await expect(page).toHaveURL(`/o/${secondSlug}`);
    await expect(orgSwitcher(page, secondName)).toBeVisible();

    // Rename the second org in Settings; the slug stays.
    await sidebarNav(page).getByRole("link", { name: "Settings", exact: true }).click();
    await expect(page).toHaveURL(`/o/${secondSlug}/settings`);
    const field = page.getByLabel("Organization name");
    await expect(field).toHaveValue(secondName);
    const newName = unique("Renamed Org");
    await field.fill(newName);
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByRole("status")).toHaveText("Organization renamed.");
    await expect(orgSwitcher(page, newName)).toBeVisible();
    await expect(page).toHaveURL(`/o/${secondSlug}/settings`);

    await page.reload();
    await expect(page.getByLabel("Organization name")).toHaveValue(newName);
    await sidebarNav(page).getByRole("link", { name: "Overview", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: newName })).toBeVisible();

    // A too-short name is refused.
    await page.goto(`/o/${secondSlug}/settings`);
    await page.getByLabel("Organization name").fill("x");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByText("Use at least 2 characters.")).toBeVisible();
    await expect(orgSwitcher(page, newName)).toBeVisible();

    // Deleting it asks for its slug, then it is gone and acme remains.
    await page.reload();
    await page.getByRole("button", { name: "Delete organization" }).click();
    const confirm = page.getByRole("dialog", { name: `Delete ${newName}?` });
    const go = confirm.getByRole("button", { name: "Delete organization" });
    await expect(go).toBeDisabled();
    await confirm.getByLabel(`Type ${secondSlug} to confirm`).fill(secondSlug);
    await go.click();
    await expect(page).not.toHaveURL(new RegExp(secondSlug));
    const gone = await page.goto(`/o/${secondSlug}`);
    expect(gone?.status()).toBe(404);
    await page.goto(`/o/${ACME.slug}`);
    await orgSwitcher(page, ACME.name).click();
    await expect(page.getByRole("menuitem", { name: new RegExp(newName) })).toHaveCount(0);
  });

  test("a member renames themselves and leaves an organization", async ({ page, browser }) => {
    await signInAsAdmin(page);
    const account = newAccount("leaver");
    const link = await invite(page, ACME.slug, account.email, "Developer");
    const { context, page: member } = await acceptAsNewUser(browser, link, account);
    try {
      await member.goto(`/o/${ACME.slug}/account`);
      const name = unique("Renamed Person");
      await member.getByLabel("Name", { exact: true }).fill(name);
      await member.getByRole("button", { name: "Save name" }).click();
      await expect(member.getByRole("status").filter({ hasText: "Name saved." })).toBeVisible();
      await expect(member.getByTestId("signed-in-user")).toHaveText(name);

      await member.getByRole("button", { name: `Leave ${ACME.name}` }).click();
      const confirm = member.getByRole("dialog", { name: `Leave ${ACME.name}?` });
      await confirm.getByRole("button", { name: "Leave organization" }).click();
      await expect(member).not.toHaveURL(new RegExp(`/o/${ACME.slug}`));
      expect((await member.goto(`/o/${ACME.slug}`))?.status()).toBe(404);
    } finally {
      await context.close();
    }

    await page.goto(`/o/${ACME.slug}/members`);
    await expect(page.getByText(account.email)).toHaveCount(0);
  });
});
