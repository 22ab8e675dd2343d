import { expect, test } from "@playwright/test";
import { signInAsAdmin, unique } from "./support/flows";
import { createWorkspaceToken, expectMeStatus, rowAction, tokenRow, workspaceTokensPath } from "./support/tokens";

test("regenerate with a 1-hour overlap: both secrets work until the overlap is ended", async ({ page, request }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  await page.goto(workspaceTokensPath());
  const name = unique("rotating");
  const oldSecret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
  await expectMeStatus(request, oldSecret, 200);

  await rowAction(page, name, "Regenerate");
  const dialog = page.getByRole("dialog", { name: `Regenerate ${name}?` });
  await dialog.getByLabel("Overlap", { exact: true }).selectOption({ label: "1 hour" });
  await dialog.getByRole("button", { name: "Regenerate token" }).click();
  const modal = page.getByRole("dialog", { name: "Token regenerated" });
  const newSecret = await modal.getByLabel("Your new token").inputValue();
  expect(newSecret).not.toBe(oldSecret);
  await modal.getByRole("button", { name: "I have saved it — close" }).click();

  await expectMeStatus(request, newSecret, 200);
  await expectMeStatus(request, oldSecret, 200);
  await expect(tokenRow(page, name).getByText("Overlap")).toBeVisible();

  await rowAction(page, name, "View details");
  const details = page.getByRole("dialog", { name });
  await expect(details.getByText(/valid until/)).toBeVisible();
  await details.getByRole("button", { name: "End overlap now" }).click();
  await expect(details.getByRole("button", { name: "End overlap now" })).toHaveCount(0);

  await expectMeStatus(request, oldSecret, 401);
  await expectMeStatus(request, newSecret, 200);
});

test("rules set in the create form's Advanced section: an IP allowlist that excludes the caller refuses it", async ({ page, request }) => {
  await signInAsAdmin(page);
  await page.goto(workspaceTokensPath());
  const name = unique("fenced");
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Create workspace token" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("checkbox", { name: "View projects projects:read" }).check();
  await dialog.getByText(/^Advanced/).click();
  await dialog.getByLabel("IP allowlist").fill("10.0.0.0/8\n300.1.1.1");
  await dialog.getByRole("button", { name: "Create token", exact: true }).click();
  // A bad entry is a field error naming it, and nothing is created.
  await expect(dialog.getByText('"300.1.1.1" is not an IP address or CIDR range.')).toBeVisible();
  await dialog.getByLabel("IP allowlist").fill("10.0.0.0/8");
  await dialog.getByLabel("Rate limit (requests per minute)").fill("100");
  await dialog.getByRole("button", { name: "Create token", exact: true }).click();
  const modal = page.getByRole("dialog", { name: "Token created" });
  const secret = await modal.getByLabel("Your new token").inputValue();
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  await expect(tokenRow(page, name).getByText("IP allowlist")).toBeVisible();
  await expect(tokenRow(page, name).getByText("100/min")).toBeVisible();

  // The test runner calls from 127.0.0.1, outside 10.0.0.0/8.
  const response = await request.get("/api/v1/app/me", { headers: { authorization: `Bearer ${secret}`, "x-org": "acme" } });
  expect(response.status()).toBe(403);
  // It names the caller's address, never the allowlist itself.
  const message = (await response.json()).error.message;
  expect(message).toContain("127.0.0.1");
  expect(message).not.toContain("10.0.0.0/8");
});
