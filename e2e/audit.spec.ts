import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/constants";
import { acceptAsNewUser, createProject, invite, newAccount, signInAsAdmin, unique } from "./support/flows";

const ADMIN_EMAIL = ADMIN.email;

test("admins read the audit log, newest first, filtered by action and actor; others get a 404", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  const project = unique("Audited project");
  await page.goto("/o/acme/projects");
  await createProject(page, project);

  await page.goto("/o/acme/audit");
  const firstRow = page.getByRole("row").nth(1);
  await expect(firstRow).toContainText("project.created");
  await expect(firstRow).toContainText(project);
  await expect(firstRow).toContainText(ADMIN_EMAIL);
  await expect(firstRow).toContainText("127.0.0.1");

  await page.getByLabel("Action").selectOption("project.created");
  await page.getByLabel("Actor").fill("nobody-with-this-name");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No entries match")).toBeVisible();
  await page.getByLabel("Actor").fill(ADMIN_EMAIL);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=project\.created/);
  const actions = await page.getByRole("row").locator("td:nth-child(3)").allInnerTexts();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(["project.created"]));

  // There is nothing to edit or delete an entry with.
  await expect(page.getByRole("button", { name: /delete|edit/i })).toHaveCount(0);

  const dev = newAccount("audit-dev");
  const link = await invite(page, "acme", dev.email, "Developer");
  const session = await acceptAsNewUser(browser, link, dev);
  const response = await session.page.goto("/o/acme/audit");
  expect(response?.status()).toBe(404);
  await session.context.close();
});
