import fs from "node:fs";
import { expect, test, type Request } from "@playwright/test";
import { SERVER_LOG_PATH } from "./support/constants";
import {
  ACME,
  acceptAsExistingUser,
  acceptAsNewUser,
  createProject,
  invite,
  newAccount,
  orgSwitcher,
  projectCell,
  sidebarNav,
  signInAsAdmin,
  signUp,
  unique, newVisitor } from "./support/flows";

test.describe("invitations and roles", () => {
  test("an invited developer creates an account from the link and joins acme as Developer", async ({ page, browser, context }) => {
    await signInAsAdmin(page);
    const account = newAccount("developer");
    const link = await invite(page, ACME.slug, account.email, "Developer");

    // The "Copy link" button puts the same link on the clipboard.
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy link", exact: true }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    // The invitation is listed as pending, and its link can be copied again and resent.
    await page.reload();
    const pending = page.getByRole("row").filter({ hasText: account.email });
    await expect(pending).toContainText("Developer");
    await expect(pending).toContainText("Acme Admin");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await pending.getByRole("button", { name: `Copy link for ${account.email}` }).click();
    await expect(pending.getByText("Link copied.")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await pending.getByRole("button", { name: `Resend invitation to ${account.email}` }).click();
    await expect(pending.getByText(`Sent again to ${account.email}; valid for another 7 days.`)).toBeVisible();
    await expect(page.getByRole("button", { name: `Revoke invitation for ${account.email}` })).toBeVisible();

    const invitee = await acceptAsNewUser(browser, link, account);
    try {
      const p = invitee.page;
      expect(invitee.slug).toBe(ACME.slug);
      await expect(orgSwitcher(p, ACME.name)).toContainText(`${ACME.slug} · Developer`);
      await expect(p.getByRole("heading", { level: 1, name: ACME.name })).toBeVisible();
      await expect(p.getByText("You are a Developer here", { exact: false })).toBeVisible();

      const nav = sidebarNav(p);
      for (const label of ["Overview", "Workspace tokens", "Gateways", "Projects", "Members"]) {
        await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
      }
      for (const label of ["Organization tokens", "Audit log", "Settings"]) {
        await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
      }
      // Admin pages stay closed when typed in directly.
      const settings = await p.goto(`/o/${ACME.slug}/settings`);
      expect(settings?.status()).toBe(404);
      await expect(p.getByRole("heading", { name: "Page not found" })).toBeVisible();

      // The link was single-use.
      await p.goto(link);
      await expect(p.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();

      // The invitation reached the invitee's mailbox twice (sent, then resent), with the same link.
      await p.goto("/mailbox");
      const mails = p.getByRole("link", { name: /Acme Admin invited you to Acme Inc\. on Keysmith/ });
      await expect(mails).toHaveCount(2);
      await mails.first().click();
      await expect(p.getByText(`Accept the invitation: ${link}`)).toBeAttached();
    } finally {
      await invitee.context.close();
    }

    // The admin sees the new member with the Developer role; the invitation is no longer pending.
    await page.goto(`/o/${ACME.slug}/members`);
    const role = page.getByRole("combobox", { name: `Role of ${account.name}` });
    await expect(role).toHaveValue("DEVELOPER");
    await expect(page.getByRole("button", { name: `Revoke invitation for ${account.email}` })).toHaveCount(0);

    // Making someone an admin asks first; cancelling changes nothing.
    await role.selectOption({ label: "Admin" });
    const confirm = page.getByRole("dialog", { name: `Make ${account.name} an admin?` });
    await expect(confirm).toContainText("manage gateways and organization tokens");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(role).toHaveValue("DEVELOPER");
    await page.reload();
    await expect(role).toHaveValue("DEVELOPER");
    await role.selectOption({ label: "Admin" });
    await confirm.getByRole("button", { name: "Make admin" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: `${account.name} is now an Admin.` })).toHaveCount(1);
    await expect(role).toHaveValue("ADMIN");
    await page.reload();
    await expect(role).toHaveValue("ADMIN");
    // Lowering a role applies at once (and leaves acme with its one admin, as the other specs expect).
    await role.selectOption({ label: "Developer" });
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: `${account.name} is now a Developer.` })).toHaveCount(1);
    await page.reload();
    await expect(role).toHaveValue("DEVELOPER");

    // Neither the invitation secret nor the invitee's password was printed by the server.
    const log = fs.readFileSync(SERVER_LOG_PATH, "utf8");
    expect(log).not.toContain(new URL(link).pathname.split("/")[2]);
    expect(log).not.toContain(account.password);
  });

  test("a viewer sees no Create project form, and replaying the create-project server action is refused", async ({ page, browser }) => {
    // A user with an account (and an org of their own) is invited to acme as a Viewer.
    const viewerContext = await newVisitor(browser);
    const viewerPage = await viewerContext.newPage();
    try {
      const viewer = newAccount("viewer");
      const ownSlug = await signUp(viewerPage, viewer);
      await viewerPage.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(viewerPage).toHaveURL(/\/sign-in/);

      await signInAsAdmin(page);
      const link = await invite(page, ACME.slug, viewer.email, "Viewer");
      expect(await acceptAsExistingUser(viewerPage, link, viewer)).toBe(ACME.slug);
      await expect(orgSwitcher(viewerPage, ACME.name)).toContainText(`${ACME.slug} · Viewer`);
      // Their own org is still theirs: it is offered in the switcher.
      await orgSwitcher(viewerPage, ACME.name).click();
      await expect(viewerPage.getByRole("menuitem", { name: /Admin$/ })).toHaveAttribute("href", `/o/${ownSlug}`);
      await viewerPage.keyboard.press("Escape");

      // The viewer's Projects page: the list, but no way to change it.
      await viewerPage.getByRole("link", { name: "Projects", exact: true }).click();
      await expect(viewerPage).toHaveURL(`/o/${ACME.slug}/projects`);
      await expect(projectCell(viewerPage, "Website")).toBeVisible();
      await expect(viewerPage.getByRole("button", { name: "Create project" })).toHaveCount(0);
      await expect(viewerPage.getByLabel("New project name")).toHaveCount(0);
      await expect(viewerPage.getByRole("button", { name: /^(Rename|Delete) / })).toHaveCount(0);

      // The admin creates a project while we capture the server action's request.
      await page.goto(`/o/${ACME.slug}/projects`);
      const adminName = unique("Captured");
      let captured: Request | undefined;
      const onRequest = (request: Request) => {
        const url = new URL(request.url());
        if (request.method() === "POST" && url.pathname === `/o/${ACME.slug}/projects` && request.headers()["next-action"]) {
          captured = request;
        }
      };
      page.on("request", onRequest);
      await createProject(page, adminName);
      page.off("request", onRequest);
      expect(captured, "the create-project server action request").toBeDefined();

      const request = captured!;
      const headers = Object.fromEntries(
        Object.entries(await request.allHeaders()).filter(([name]) => !["cookie", "content-length", "host"].includes(name) && !name.startsWith(":")),
      );
      const body = request.postDataBuffer()!.toString("utf8");
      expect(body).toContain(adminName);
      const url = request.url();
      const replay = (name: string) => ({ headers, data: Buffer.from(body.split(adminName).join(name), "utf8") });

      // Control: the same replay with the admin's cookies does create a project (so the replay is a valid request).
      const controlName = unique("Replayed by admin");
      const control = await page.request.post(url, replay(controlName));
      expect(control.status()).toBe(200);
      expect(await control.text()).toContain('"ok":true');

      // The viewer's replay is refused by the action itself.
      const viewerName = unique("Replayed by viewer");
      const refused = await viewerContext.request.post(url, replay(viewerName));
      const refusedText = await refused.text();
      expect(refusedText).toContain('"ok":false');
      expect(refusedText).toContain("You do not have permission to do that.");

      await page.reload();
      await expect(projectCell(page, controlName)).toBeVisible();
      await expect(projectCell(page, adminName)).toBeVisible();
      await expect(page.getByText(viewerName)).toHaveCount(0);

      await viewerPage.reload();
      await expect(projectCell(viewerPage, controlName)).toBeVisible();
      await expect(viewerPage.getByText(viewerName)).toHaveCount(0);
    } finally {
      await viewerContext.close();
    }
  });
});
