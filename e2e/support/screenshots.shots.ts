import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN } from "./constants";
import { startWebhookReceiver } from "../../tests/support/webhook-receiver";
import { ACME, formAlert, invite, signInAsAdmin, submitSignIn, unique, uniqueEmail } from "./flows";
import { createWorkspaceToken, tokenRow, workspaceTokensPath } from "./tokens";

const DIR = process.env.SHOTS_DIR || "/tmp/shots";

const VIEWPORTS = [
  { label: "desktop", width: 1440, height: 900 },
  { label: "phone", width: 390, height: 844 },
] as const;

async function shot(page: Page, name: string, label: string) {
  // Let fonts and transitions settle.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(DIR, `${name}-${label}${SCHEME === "dark" ? "-dark" : ""}.png`), fullPage: true });
}

/** SHOTS_SCHEME=dark takes the same pictures with the system set to dark (the console follows it). */
const SCHEME = process.env.SHOTS_SCHEME === "dark" ? "dark" : "light";

async function newPage(browser: Browser, viewport: (typeof VIEWPORTS)[number]) {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme: SCHEME });
  return { context, page: await context.newPage() };
}

test.beforeAll(() => fs.mkdirSync(DIR, { recursive: true }));

/** A token reported leaked from Settings (by its masked form), then its badge in the list and its details. */
async function shotLeakedToken(page: Page, label: string) {
  const name = unique("leaked");
  await page.goto(workspaceTokensPath());
  const secret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
  await page.goto(`/o/${ACME.slug}/settings`);
  await page.getByLabel("Token or masked token").fill(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
  await page.getByLabel("Where it was found (optional)").fill("https://github.com/acme/app/blob/main/.env");
  await page.getByRole("button", { name: "Report leaked token" }).click();
  await expect(page.getByRole("status").filter({ hasText: "was revoked" })).toBeVisible();
  await shot(page, "settings-leak-reported", label);
  await page.goto(workspaceTokensPath());
  await expect(tokenRow(page, name).getByText("Leaked", { exact: true })).toBeVisible();
  await shot(page, "tokens-leaked", label);
  await tokenRow(page, name).getByRole("button", { name, exact: true }).click();
  await expect(page.getByRole("dialog").getByText("Found at https://github.com/acme/app/blob/main/.env")).toBeVisible();
  await shot(page, "tokens-leaked-details", label);
  await page.keyboard.press("Escape");
}

/** The webhooks pages: the list, the add dialog, the show-once secret, an endpoint with deliveries (one failed). */
async function shotWebhooks(page: Page, label: string) {
  const receiver = await startWebhookReceiver([]);
  try {
    await page.goto(`/o/${ACME.slug}/webhooks`);
    await shot(page, "webhooks", label);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a webhook endpoint" });
    await dialog.getByLabel("Endpoint URL").fill(receiver.url);
    await dialog.getByLabel("Description (optional)").fill(unique("SIEM ingest"));
    await dialog.getByText("Only these").click();
    await shot(page, "webhooks-add", label);
    await dialog.getByRole("checkbox").first().check();
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    const modal = page.getByRole("dialog", { name: "Endpoint added" });
    receiver.secrets = [await modal.getByLabel("Signing secret").inputValue()];
    await shot(page, "webhooks-secret", label);
    await modal.getByRole("button", { name: "I have saved it — close" }).click();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("delivery-row").first()).toContainText("Delivered", { timeout: 15_000 });
    receiver.mode = "fail";
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("delivery-row").first()).toContainText("Retrying", { timeout: 15_000 });
    await shot(page, "webhooks-endpoint", label);
    await page.goto(`/o/${ACME.slug}/webhooks`);
    await shot(page, "webhooks-list", label);
  } finally {
    await receiver.close();
  }
}

for (const viewport of VIEWPORTS) {
  test(`screenshots at ${viewport.label} (${viewport.width}x${viewport.height})`, async ({ browser }) => {
    const { context, page } = await newPage(browser, viewport);
    try {
      await page.goto("/sign-in");
      await expect(page.getByRole("heading", { name: "Sign in to Keysmith" })).toBeVisible();
      await shot(page, "sign-in", viewport.label);

      await submitSignIn(page, ADMIN.email, "wrong-password-1", { navigate: false });
      await expect(formAlert(page)).toBeVisible();
      await shot(page, "sign-in-error", viewport.label);

      await page.goto("/sign-up");
      await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
      await shot(page, "sign-up", viewport.label);

      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByText("Enter your name.")).toBeVisible();
      await shot(page, "sign-up-errors", viewport.label);

      await page.goto("/nothing-here");
      await shot(page, "404-signed-out", viewport.label);

      await signInAsAdmin(page);
      await expect(page.getByRole("heading", { level: 1, name: ACME.name })).toBeVisible();
      await shot(page, "overview", viewport.label);

      if (viewport.label === "phone") {
        await page.getByRole("button", { name: "Menu" }).click();
        await expect(page.getByRole("navigation", { name: "Organization" })).toBeVisible();
        await shot(page, "mobile-menu", viewport.label);
        await page.getByRole("button", { name: "Close menu" }).click();
      } else {
        await page.getByRole("button", { name: /switch organization/ }).click();
        await expect(page.getByRole("menu")).toBeVisible();
        await shot(page, "org-switcher", viewport.label);
        await page.keyboard.press("Escape");
      }

      await page.goto(`/o/${ACME.slug}/projects`);
      await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
      await shot(page, "projects", viewport.label);

      await page.getByRole("button", { name: "Rename Website" }).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await shot(page, "projects-rename-dialog", viewport.label);
      await page.keyboard.press("Escape");

      await invite(page, ACME.slug, uniqueEmail(`shots-${viewport.label}`), "Developer");
      await shot(page, "members-invitation-link", viewport.label);

      await page.goto(`/o/${ACME.slug}/settings`);
      await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
      await shot(page, "settings", viewport.label);

      await shotWebhooks(page, viewport.label);
      await shotLeakedToken(page, viewport.label);

      await page.goto(`/o/${ACME.slug}/audit`);
      await shot(page, "audit", viewport.label);

      await page.goto(`/o/${ACME.slug}/account`);
      await shot(page, "account", viewport.label);

      await page.goto(`/o/${ACME.slug}/api-reference`);
      await shot(page, "api-reference", viewport.label);

      // A gateway's Developer Console, with a token in its list.
      await page.goto(`/o/${ACME.slug}/gateways`);
      await page.getByRole("button", { name: "Create gateway" }).click();
      const form = page.getByRole("dialog", { name: "Create gateway" });
      await shot(page, "gateway-create-dialog", viewport.label);
      await form.getByLabel("Name", { exact: true }).fill(`Shots ${viewport.label} ${Date.now()}`);
      await form.getByRole("button", { name: "Create gateway" }).click();
      await expect(page.getByRole("heading", { name: /Developer Console/ })).toBeVisible();
      await page.getByRole("button", { name: "Create token", exact: true }).click();
      const create = page.getByRole("dialog", { name: "Create gateway token" });
      await create.getByLabel("Name", { exact: true }).fill(`shots-${viewport.label}`);
      await create.getByRole("button", { name: "Create token", exact: true }).click();
      await expect(page.getByRole("dialog", { name: "Token created" })).toBeVisible();
      await shot(page, "gateway-token-created", viewport.label);
      await page.getByRole("button", { name: "I have saved it — close" }).click();
      await shot(page, "gateway-console", viewport.label);

      await page.goto(`/o/${ACME.slug}/tokens/workspace`);
      await shot(page, "workspace-tokens", viewport.label);

      await page.goto("/o/no-such-org");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await shot(page, "404", viewport.label);
    } finally {
      await context.close();
    }
  });
}
