import { expect, test } from "@playwright/test";
import { ACME, newAccount, orgSwitcher, signUp } from "./support/flows";

test.describe("tenancy", () => {
  test("a member of another org gets a 404 for acme and sees none of its data", async ({ page }) => {
    const outsider = newAccount("outsider");
    const orgName = `Outsider Org ${Date.now()}`;
    const slug = await signUp(page, outsider, orgName);
    expect(slug).not.toBe(ACME.slug);

    for (const path of [`/o/${ACME.slug}`, `/o/${ACME.slug}/projects`, `/o/${ACME.slug}/members`, `/o/${ACME.slug}/settings`]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page).toHaveURL(path);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      const text = await page.locator("body").innerText();
      for (const secret of ["Website", "Mobile app", ACME.name, ACME.adminName, "admin@acme.test"]) {
        expect(text, `${path} must not show ${secret}`).not.toContain(secret);
      }
    }

    // An org that does not exist looks the same as one they are not in.
    const missing = await page.goto("/o/no-such-org-here");
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

    // The way back leads to their own org, which does not list acme.
    await page.getByRole("link", { name: "Back to your organizations" }).click();
    await expect(page).toHaveURL(`/o/${slug}`);
    await orgSwitcher(page, orgName).click();
    await expect(page.getByRole("menuitem")).toHaveText([new RegExp(`^${orgName}`), "Create organization"]);
    await expect(page.getByRole("menu")).not.toContainText(ACME.name);
  });
});
