import { expect, test, type Page } from "@playwright/test";
import { ACME, newAccount, signInAsAdmin, signUp, unique, newVisitor } from "./support/flows";
import { callMe, createWorkspaceToken, expectMeStatus, tokenRow, workspaceTokensPath } from "./support/tokens";

/**
 * Leaked tokens in the console (issue 14): the org's leak policy in Settings,
 * and "Report a leaked token" with the token or its masked form.
 */

async function setPolicy(page: Page, orgSlug: string, label: RegExp) {
  await page.goto(`/o/${orgSlug}/settings`);
  await page.getByRole("radio", { name: label }).check();
  await page.getByRole("button", { name: "Save leak policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved:" })).toBeVisible();
}

async function reportLeak(page: Page, orgSlug: string, token: string, url?: string) {
  await page.goto(`/o/${orgSlug}/settings`);
  await page.getByLabel("Token or masked token").fill(token);
  if (url) await page.getByLabel("Where it was found (optional)").fill(url);
  await page.getByRole("button", { name: "Report leaked token" }).click();
}

test("flag-only policy: a token reported by its masked form is marked leaked and keeps working", async ({ page, request }) => {
  await signUp(page, newAccount("leaks-flag"));
  const orgSlug = new URL(page.url()).pathname.split("/")[2];
  await setPolicy(page, orgSlug, /^Flag only/);

  const name = unique("flagged");
  await page.goto(workspaceTokensPath(orgSlug));
  const secret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
  const masked = `${secret.slice(0, 8)}…${secret.slice(-4)}`;

  await reportLeak(page, orgSlug, masked, "https://github.com/octo/app/blob/main/.env");
  await expect(page.getByRole("status").filter({ hasText: "was flagged as leaked" })).toContainText(name);
  // The form forgets what was pasted.
  await expect(page.getByLabel("Token or masked token")).toHaveValue("");
  // Flagged, not revoked: it still authenticates.
  expect((await callMe(request, secret, orgSlug)).status).toBe(200);

  await page.goto(workspaceTokensPath(orgSlug));
  const row = tokenRow(page, name);
  await expect(row.getByText("Leaked", { exact: true })).toBeVisible();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();

  await page.goto(`/o/${orgSlug}/audit`);
  const entry = page.getByRole("row").filter({ hasText: "Token leaked" }).first();
  await expect(entry).toContainText("Outcome");
  await expect(entry).toContainText("flagged");
});

test("revoke policy (the default): a pasted token is revoked at once; another org's token is not found", async ({ page, request, browser }) => {
  await signInAsAdmin(page);
  const name = unique("leaked");
  await page.goto(workspaceTokensPath());
  const secret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });

  // An admin of another org cannot find (or revoke) it, and learns nothing about it.
  const other = await newVisitor(browser);
  const otherPage = await other.newPage();
  try {
    const otherOrg = await signUp(otherPage, newAccount("leaks-other"));
    await reportLeak(otherPage, otherOrg, secret);
    await expect(otherPage.getByText("No token of this organization matches.").first()).toBeVisible();
  } finally {
    await other.close();
  }
  await expectMeStatus(request, secret, 200);

  await reportLeak(page, ACME.slug, secret);
  await expect(page.getByRole("status").filter({ hasText: "was revoked" })).toContainText(name);
  await expectMeStatus(request, secret, 401);
  await page.goto(workspaceTokensPath());
  await expect(tokenRow(page, name).getByText("Leaked", { exact: true })).toBeVisible();
  await expect(tokenRow(page, name).getByText("Revoked", { exact: true })).toBeVisible();

  // A typo in the token is caught before anything is looked up.
  await reportLeak(page, ACME.slug, `${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`);
  await expect(page.getByText(/That is not a Keysmith token/).first()).toBeVisible();
});
