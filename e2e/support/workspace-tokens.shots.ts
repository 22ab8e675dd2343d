import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signInAsAdmin, unique } from "./flows";
import {
  createWorkspaceToken,
  openRowMenu,
  rowAction,
  secretModal,
  submitCreateToken,
  tokenRow,
  workspaceTokensPath,
} from "./tokens";

const DIR = process.env.SHOTS_DIR || "/tmp/shots";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 800 },
  { label: "phone", width: 390, height: 844 },
] as const;

async function shot(page: Page, name: string, label: string, { fullPage = true } = {}) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(DIR, `tokens-${name}-${label}.png`), fullPage });
}

test.beforeAll(() => fs.mkdirSync(DIR, { recursive: true }));

for (const viewport of VIEWPORTS) {
  test(`workspace tokens screenshots at ${viewport.label} (${viewport.width}x${viewport.height})`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    try {
      await signInAsAdmin(page);
      await page.goto(workspaceTokensPath());
      const v = viewport.label;
      const active = unique(`ci-deploys-${v}`);
      const inactive = unique(`old-laptop-${v}`);
      const revoked = unique(`leaked-${v}`);
      await createWorkspaceToken(page, { name: active, permissions: ["projects:read", "projects:write", "tokens:read", "members:read"] });
      await createWorkspaceToken(page, { name: inactive, permissions: ["projects:read"], expiration: "Never" });
      await createWorkspaceToken(page, { name: revoked, permissions: ["tokens:read", "tokens:create"], expiration: "7 days" });
      await rowAction(page, inactive, "Deactivate");
      await expect(tokenRow(page, inactive)).toContainText("Inactive");
      await rowAction(page, revoked, "Revoke…");
      const revoke = page.getByRole("dialog", { name: "Revoke token" });
      await revoke.getByLabel(`Type ${revoked} to confirm`).fill(revoked);
      await revoke.getByRole("button", { name: "Revoke token", exact: true }).click();
      await expect(tokenRow(page, revoked)).toContainText("Revoked");
      await page.reload();
      await expect(tokenRow(page, revoked)).toBeVisible();
      await shot(page, "list", v);
      await shot(page, "list-viewport", v, { fullPage: false });

      await openRowMenu(page, active);
      await shot(page, "row-menu", v, { fullPage: false });
      await page.keyboard.press("Escape");

      await page.getByRole("button", { name: "Create token", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Create workspace token" });
      await expect(dialog).toBeVisible();
      await shot(page, "create-dialog", v, { fullPage: false });
      await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: "Custom date" });
      await dialog.getByRole("button", { name: "Create token", exact: true }).click();
      await expect(dialog).toContainText("Enter a name.");
      await shot(page, "create-dialog-errors", v, { fullPage: false });
      await dialog.getByRole("button", { name: "Cancel" }).click();

      const shown = unique(`staging-${v}`);
      await submitCreateToken(page, { name: shown, permissions: ["projects:read", "tokens:read"] });
      await expect(secretModal(page)).toBeVisible();
      await shot(page, "show-once-modal", v, { fullPage: false });
      await secretModal(page).getByRole("button", { name: "I have saved it — close" }).click();

      await rowAction(page, active, "View details");
      const details = page.getByRole("dialog", { name: active });
      await expect(details).toBeVisible();
      await expect(details).not.toContainText("Loading…");
      await shot(page, "details-panel", v, { fullPage: false });
      await page.keyboard.press("Escape");

      await rowAction(page, active, "Revoke…");
      await expect(page.getByRole("dialog", { name: "Revoke token" })).toBeVisible();
      await shot(page, "revoke-dialog", v, { fullPage: false });
      await page.keyboard.press("Escape");

      await rowAction(page, active, "Regenerate");
      await expect(page.getByRole("dialog", { name: `Regenerate ${active}?` })).toBeVisible();
      await shot(page, "regenerate-dialog", v, { fullPage: false });
      await page.keyboard.press("Escape");

      await page.getByLabel("Status", { exact: true }).selectOption({ label: "Expired" });
      await expect(page.getByText("No expired tokens")).toBeVisible();
      await shot(page, "filter-empty", v, { fullPage: false });
    } finally {
      await context.close();
    }
  });
}
