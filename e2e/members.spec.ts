import { expect, test } from "@playwright/test";
import { ACME, orgSwitcher, signInAsAdmin } from "./support/flows";

test.describe("members", () => {
  test("the last admin cannot demote themselves", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto(`/o/${ACME.slug}/members`);

    const ownRow = page.getByRole("row").filter({ hasText: "(you)" });
    await expect(ownRow).toContainText("admin@acme.test");
    const role = page.getByRole("combobox", { name: `Role of ${ACME.adminName}` });
    await expect(role).toHaveValue("ADMIN");

    await role.selectOption({ label: "Viewer" });
    await expect(ownRow.getByRole("alert")).toContainText("An organization needs at least one admin");
    await expect(role).toBeEnabled();
    await expect(role).toHaveValue("ADMIN");

    await page.reload();
    await expect(page.getByRole("combobox", { name: `Role of ${ACME.adminName}` })).toHaveValue("ADMIN");
    await expect(orgSwitcher(page, ACME.name)).toContainText(`${ACME.slug} · Admin`);
    await expect(page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Settings" })).toBeVisible();
  });
});
