/**
 * Every page and dialog of the console, at desktop and phone widths, checked
 * with axe in real Chromium: no serious or critical violation. Dark mode is
 * checked too on the pages (its contrast is its own).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ACME, signInAsAdmin, unique } from "./support/flows";
import { createWorkspaceToken } from "./support/tokens";

const VIEWPORTS = [
  { label: "desktop", width: 1440, height: 900 },
  { label: "phone", width: 390, height: 844 },
] as const;

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`).join("\n  ");
  expect(serious, `${what}:\n  ${report}`).toEqual([]);
}

const PAGES = ["", "/tokens/workspace", "/gateways", "/tokens/organization", "/projects", "/members", "/audit", "/webhooks", "/settings", "/account", "/api-reference"];

for (const viewport of VIEWPORTS) {
  for (const scheme of ["light", "dark"] as const) {
    // Dark at the desktop width: the phone layout's colours are the same.
    if (scheme === "dark" && viewport.label === "phone") continue;
    test(`pages at ${viewport.label}, ${scheme}`, async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      try {
        await page.goto("/sign-in");
        await expectNoSeriousViolations(page, "sign-in");
        await page.goto("/sign-up");
        await expectNoSeriousViolations(page, "sign-up");
        await signInAsAdmin(page);
        // A gateway of its own, so its Developer Console is among the pages.
        const gateway = unique(`a11y-${viewport.label}-${scheme}`);
        await page.goto(`/o/${ACME.slug}/gateways`);
        await page.getByRole("button", { name: "Create gateway" }).click();
        await page.getByRole("dialog", { name: "Create gateway" }).getByLabel("Name", { exact: true }).fill(gateway);
        await page.getByRole("dialog", { name: "Create gateway" }).getByRole("button", { name: "Create gateway" }).click();
        await expect(page.getByRole("heading", { name: /Developer Console/ })).toBeVisible();
        const consolePath = new URL(page.url()).pathname.slice(`/o/${ACME.slug}`.length);
        for (const path of [...PAGES, consolePath]) {
          await page.goto(`/o/${ACME.slug}${path}`);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await expectNoSeriousViolations(page, `/o/${ACME.slug}${path}`);
          // Nothing wider than the screen: every action reachable without scrolling sideways.
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(width, `/o/${ACME.slug}${path} is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
        }
        await page.goto("/mailbox");
        await expectNoSeriousViolations(page, "mailbox");
        await page.goto("/no-such-page");
        await expectNoSeriousViolations(page, "404");
      } finally {
        await context.close();
      }
    });
  }

  test(`dialogs at ${viewport.label}`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    try {
      await signInAsAdmin(page);
      const open = async (what: string, name: string | RegExp) => {
        const dialog = page.getByRole("dialog", { name });
        await expect(dialog).toBeVisible();
        await expectNoSeriousViolations(page, what);
        return dialog;
      };

      await page.goto(`/o/${ACME.slug}/tokens/workspace`);
      await page.getByRole("button", { name: "Create token", exact: true }).click();
      const create = await open("create token", "Create workspace token");
      await create.getByLabel("Name", { exact: true }).fill(unique("a11y"));
      await create.getByRole("checkbox", { name: "View projects projects:read" }).check();
      await create.getByRole("button", { name: "Create token", exact: true }).click();
      const secret = await open("show-once modal", "Token created");
      await secret.getByRole("button", { name: "I have saved it — close" }).click();

      const row = page.getByRole("row").filter({ hasText: "a11y" }).first();
      await row.getByRole("button", { name: /actions/i }).click();
      await expectNoSeriousViolations(page, "row menu");
      await page.getByRole("menuitem", { name: "View details" }).click();
      const details = await open("token details", /^a11y/);
      await details.getByRole("button", { name: "Close" }).click();

      await row.getByRole("button", { name: /actions/i }).click();
      await page.getByRole("menuitem", { name: "Regenerate" }).click();
      const regenerate = await open("regenerate", /^Regenerate/);
      await regenerate.getByRole("button", { name: "Cancel" }).click();

      await row.getByRole("button", { name: /actions/i }).click();
      await page.getByRole("menuitem", { name: "Revoke…" }).click();
      const revoke = await open("revoke", /^Revoke/);
      await revoke.getByRole("button", { name: "Cancel" }).click();

      await page.keyboard.press("Control+k");
      await open("command palette", "Command menu");
      await page.keyboard.press("Escape");

      await page.goto(`/o/${ACME.slug}/projects`);
      await page.getByRole("button", { name: "Rename Website" }).click();
      await open("rename project", "Rename Website");
      await page.keyboard.press("Escape");

      await page.goto(`/o/${ACME.slug}/gateways`);
      await page.getByRole("button", { name: "Create gateway" }).click();
      await open("create gateway", "Create gateway");
      await page.keyboard.press("Escape");

      await page.goto(`/o/${ACME.slug}/webhooks`);
      await page.getByRole("button", { name: "Add endpoint" }).click();
      const endpoint = await open("add webhook endpoint", "Add a webhook endpoint");
      await endpoint.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/a11y-hook");
      await endpoint.getByRole("button", { name: "Add endpoint" }).click();
      const added = await open("webhook secret modal", "Endpoint added");
      await added.getByRole("button", { name: "I have saved it — close" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousViolations(page, "webhook endpoint page");
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `webhook endpoint page is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
      await page.getByRole("button", { name: "Rotate secret" }).click();
      await open("rotate webhook secret", "Rotate the signing secret");
      await page.keyboard.press("Escape");

      await page.goto(`/o/${ACME.slug}/settings`);
      const del = page.getByRole("button", { name: "Delete organization" });
      if (await del.count()) {
        await del.click();
        await open("delete organization", `Delete ${ACME.name}?`);
        await page.keyboard.press("Escape");
      }
    } finally {
      await context.close();
    }
  });
}

test("a dialog hands focus back to the control that opened it; the skip link jumps to the content", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto(`/o/${ACME.slug}/projects`);
  const rename = page.getByRole("button", { name: "Rename Website" });
  await rename.click();
  await expect(page.getByRole("dialog", { name: "Rename Website" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(rename).toBeFocused();

  await page.goto(`/o/${ACME.slug}/tokens/workspace`);
  const name = unique("focus");
  await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
  const actions = page.getByRole("button", { name: `Actions for ${name}` });
  await actions.click();
  await page.getByRole("menuitem", { name: "View details" }).click();
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(actions).toBeFocused();

  const skip = page.getByRole("link", { name: "Skip to content" });
  await page.goto(`/o/${ACME.slug}/projects`);
  await page.keyboard.press("Tab");
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});
