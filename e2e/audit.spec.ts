import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/constants";
import { acceptAsNewUser, createProject, invite, newAccount, signInAsAdmin, unique } from "./support/flows";

const ADMIN_EMAIL = ADMIN.email;

test("admins read the audit log, newest first, filtered by action, actor and day; others get a 404", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  const project = unique("Audited project");
  await page.goto("/o/acme/projects");
  await createProject(page, project);

  await page.goto("/o/acme/audit");
  const firstRow = page.getByRole("row").nth(1);
  await expect(firstRow).toContainText("Project created");
  await expect(firstRow).toContainText(project);
  await expect(firstRow).toContainText(ADMIN_EMAIL);
  await expect(firstRow).toContainText("127.0.0.1");
  // The user agent in words, the full string on hover.
  await expect(firstRow).toContainText(/Chrome \d+ on (Windows|Linux|macOS)/);

  await page.getByLabel("Action").selectOption({ label: "Project created" });
  await page.getByLabel("Actor").fill("nobody-with-this-name");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No entries match")).toBeVisible();
  await page.getByLabel("Actor").fill(ADMIN_EMAIL);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=project\.created/);
  const actions = await page.getByRole("row").locator("td:nth-child(3)").allInnerTexts();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(["Project created"]));

  // Days are UTC and both ends are included: today finds it, yesterday does not.
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("From (UTC)").fill(yesterday);
  await page.getByLabel("To (UTC)").fill(yesterday);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No entries match")).toBeVisible();
  await page.getByLabel("From (UTC)").fill(today);
  await page.getByLabel("To (UTC)").fill(today);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row").filter({ hasText: project })).toHaveCount(1);

  // There is nothing to edit or delete an entry with.
  await expect(page.getByRole("button", { name: /delete|edit/i })).toHaveCount(0);

  // The export takes the page's filters, reads like the page, and is itself recorded.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, "utf8");
  expect(csv.split("\r\n")[0]).toBe("time,actor_type,actor,action,target_type,target,details,ip,user_agent");
  expect(csv).toContain(`project.created,project,${project}`);
  expect(csv).not.toContain("[object Object]");
  await page.goto("/o/acme/audit?action=audit.exported");
  await expect(page.getByRole("row").nth(1)).toContainText("Audit exported");
  await expect(page.getByRole("row").nth(1)).toContainText("Format");

  const dev = newAccount("audit-dev");
  const link = await invite(page, "acme", dev.email, "Developer");
  const session = await acceptAsNewUser(browser, link, dev);
  const response = await session.page.goto("/o/acme/audit");
  expect(response?.status()).toBe(404);
  const exported = await session.page.request.get("/api/console/acme/audit/export?format=json");
  expect(exported.status()).toBe(404);
  await session.context.close();
});

test("a console-made token's audit entry names its rules and project in words", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/o/acme/tokens/workspace");
  const name = unique("audited-rules");
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Create workspace token" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("checkbox", { name: "View projects projects:read" }).check();
  await dialog.getByText(/^Advanced/).click();
  await dialog.getByLabel("IP allowlist").fill("10.0.0.0/8");
  await dialog.getByLabel("Rate limit (requests per minute)").fill("100");
  await dialog.getByRole("button", { name: "Create token", exact: true }).click();
  await page.getByRole("dialog", { name: "Token created" }).getByRole("button", { name: "I have saved it — close" }).click();

  await page.goto("/o/acme/audit?action=token.created");
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Workspace token");
  await expect(row).toContainText("View projects");
  await expect(row).toContainText("10.0.0.0/8");
  await expect(row).toContainText("100 requests a minute");
  await expect(row).toContainText(/Expires\d+ \w+ \d{4}, \d\d:\d\d:\d\d UTC/);
  await expect(row).not.toContainText("[object Object]");
  await expect(row).not.toContainText("projectId");
});
