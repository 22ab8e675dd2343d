import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/constants";
import { ACME, formAlert, newAccount, orgSwitcher, signIn, signOut, signUp, submitSignIn, uniqueEmail } from "./support/flows";

test.describe("accounts and sessions", () => {
  test("sign up lands in the new org; sign out, sign in again; wrong credentials are refused alike", async ({ page }) => {
    const account = newAccount("signup");
    const orgName = `Signup Org ${Date.now()}`;

    const slug = await signUp(page, account, orgName);
    expect(slug).toMatch(/^signup-org-\d+$/);
    await expect(page).toHaveURL(`/o/${slug}`);

    // The shell names the org (switcher and overview heading) and the signed-in user.
    await expect(orgSwitcher(page, orgName)).toBeVisible();
    await expect(orgSwitcher(page, orgName)).toContainText(`${slug} · Admin`);
    await expect(page.getByRole("heading", { level: 1, name: orgName })).toBeVisible();
    const shell = page.getByRole("complementary");
    await expect(shell.getByText(account.name, { exact: true })).toBeVisible();
    await expect(shell.getByText(account.email, { exact: true })).toBeVisible();

    await signOut(page);
    // Signed out for real: the console sends us back to sign in.
    await page.goto(`/o/${slug}`);
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);

    await signIn(page, account.email, account.password);
    await expect(page).toHaveURL(`/o/${slug}`);
    await expect(orgSwitcher(page, orgName)).toBeVisible();
    await signOut(page);

    // Wrong password and unknown e-mail: one message, no hint which was wrong.
    await submitSignIn(page, account.email, "not-the-password-1");
    await expect(formAlert(page)).toHaveText("Invalid e-mail or password.");
    await expect(page).toHaveURL(/\/sign-in/);

    await submitSignIn(page, uniqueEmail("nobody"), "whatever-password-1");
    await expect(formAlert(page)).toHaveText("Invalid e-mail or password.");
    await expect(page).toHaveURL(/\/sign-in/);

    // E-mail is case-insensitive (docs/contract.md §1).
    await signIn(page, account.email.toUpperCase(), account.password);
    await expect(page).toHaveURL(`/o/${slug}`);
  });

  test("a signed-out visitor of a console page signs in and lands back on it", async ({ page }) => {
    await page.goto(`/o/${ACME.slug}/projects`);
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fo%2Facme%2Fprojects$/);
    await expect(page.getByRole("heading", { name: "Sign in to Keysmith" })).toBeVisible();

    await submitSignIn(page, ADMIN.email, ADMIN.password, { navigate: false });
    await expect(page).toHaveURL(`/o/${ACME.slug}/projects`);
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    await expect(orgSwitcher(page, ACME.name)).toBeVisible();
  });

  test("a sign-in callback pointing at another site is not followed", async ({ page }) => {
    await page.goto("/sign-in?callbackUrl=%2F%2Fevil.example%2Fo%2Facme");
    await submitSignIn(page, ADMIN.email, ADMIN.password, { navigate: false });
    await expect(page).toHaveURL(`/o/${ACME.slug}`);
  });
});
