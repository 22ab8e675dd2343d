/**
 * Screenshots of issue 13's pages (overview, token list with hygiene badges,
 * details panel with charts and request log, a gateway's budgets, the policy
 * form) at 1440×900 and 390×844, light and dark, for a person to look at. Not
 * part of `npx playwright test`:
 *
 *   SHOTS_DIR=/tmp/usage-shots E2E_SKIP_BUILD=1 npx playwright test -c e2e/support/usage-shots.config.ts
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ACME, signInAsAdmin, unique } from "./flows";
import { createWorkspaceToken, tokenRow, workspaceTokensPath } from "./tokens";

const DIR = process.env.SHOTS_DIR || "/tmp/usage-shots";
const VIEWPORTS = [
  { label: "desktop", width: 1440, height: 900 },
  { label: "phone", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

/** A full page, or (a side panel open) the viewport as a person sees it. */
async function shot(page: Page, name: string, fullPage = true) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(DIR, `${name}.png`), fullPage });
}

async function call(request: APIRequestContext, secret: string, org: string = ACME.slug) {
  const r = await request.get("/api/v1/app/me", { headers: { authorization: `Bearer ${secret}`, "x-org": org }, failOnStatusCode: false });
  await r.dispose();
}

let seeded: { name: string; gateway: string } | null = null;

/** Tokens with calls, refusals, a gateway token with a budget: once per run. */
async function seed(page: Page, request: APIRequestContext) {
  if (seeded) return seeded;
  await page.goto(workspaceTokensPath());
  const name = unique("ci-deploys");
  const secret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
  await createWorkspaceToken(page, { name: unique("laptop"), permissions: ["projects:read"], expiration: "7 days" });
  for (let i = 0; i < 40; i++) await call(request, secret);
  for (let i = 0; i < 4; i++) await call(request, secret, "someone-else");

  await page.goto(`/o/${ACME.slug}/gateways`);
  await page.getByRole("button", { name: "Create gateway" }).click();
  const form = page.getByRole("dialog", { name: "Create gateway" });
  const gatewayName = unique("Shots Echo");
  await form.getByLabel("Name", { exact: true }).fill(gatewayName);
  await form.getByRole("button", { name: "Create gateway" }).click();
  await expect(page.getByRole("heading", { name: `${gatewayName} — Developer Console` })).toBeVisible();
  const gateway = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const create = page.getByRole("dialog", { name: "Create gateway token" });
  await create.getByLabel("Name", { exact: true }).fill("budgeted");
  await create.getByText(/^Advanced/).click();
  await create.getByLabel(/Monthly budget/).fill("2000");
  await create.getByRole("button", { name: "Create token", exact: true }).click();
  const modal = page.getByRole("dialog", { name: "Token created" });
  const g = await modal.getByLabel("Your new token").inputValue();
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  for (let i = 0; i < 12; i++) {
    const r = await request.post("/api/gpt/v1/messages", {
      headers: { "x-api-key": g, "anthropic-version": "2023-06-01" },
      data: { model: "keysmith-echo-1", max_tokens: 64, messages: [{ role: "user", content: "Tell me about the weather in Lisbon in autumn. ".repeat(3) }] },
      failOnStatusCode: false,
    });
    await r.dispose();
  }
  await page.waitForTimeout(1_500);
  seeded = { name, gateway };
  return seeded;
}

test.beforeAll(() => fs.mkdirSync(DIR, { recursive: true }));

for (const viewport of VIEWPORTS) {
  for (const scheme of SCHEMES) {
    test(`usage screenshots at ${viewport.label}, ${scheme}`, async ({ browser, request }) => {
      test.setTimeout(180_000);
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme: scheme });
      const page = await context.newPage();
      const tag = `${viewport.label}-${scheme}`;
      try {
        await signInAsAdmin(page);
        const { name, gateway } = await seed(page, request);

        await page.goto(`/o/${ACME.slug}`);
        await expect(page.getByTestId("overview-requests-chart").getByRole("img")).toBeVisible();
        await shot(page, `overview-${tag}`);
        await page.getByRole("button", { name: "48 hours" }).click();
        await shot(page, `overview-48h-${tag}`);

        await page.goto(workspaceTokensPath());
        await expect(tokenRow(page, name)).toBeVisible();
        await shot(page, `tokens-${tag}`);

        await page.getByLabel("Show", { exact: true }).selectOption({ label: "Never used" });
        await expect(page).toHaveURL(/filter=never_used/);
        await shot(page, `tokens-never-used-${tag}`);
        await page.getByLabel("Show", { exact: true }).selectOption({ label: "All tokens" });

        await page.getByRole("searchbox", { name: "Search" }).fill(name);
        await expect(page).toHaveURL(/q=/);
        await tokenRow(page, name).getByRole("button", { name, exact: true }).click();
        const panel = page.getByRole("dialog", { name });
        await expect(panel.getByTestId("token-usage-chart").getByRole("img")).toBeVisible();
        await expect(panel.getByTestId("request-log")).toBeVisible();
        await shot(page, `details-${tag}`, false);
        await panel.getByTestId("token-usage-chart").getByRole("button", { name: "Table" }).click();
        await shot(page, `details-table-${tag}`, false);
        await panel.getByRole("heading", { name: "Recent requests" }).scrollIntoViewIfNeeded();
        await shot(page, `details-requests-${tag}`, false);
        await page.keyboard.press("Escape");

        await page.goto(`/o/${ACME.slug}/gateways/${gateway}`);
        await expect(page.getByTestId("gateway-budgets")).toBeVisible();
        await shot(page, `gateway-${tag}`);
        await tokenRow(page, "budgeted").getByRole("button", { name: "budgeted", exact: true }).click();
        await expect(page.getByRole("dialog", { name: "budgeted" }).getByTestId("token-model-chart")).toBeVisible();
        await page.getByRole("dialog", { name: "budgeted" }).getByRole("heading", { name: "Recent requests" }).scrollIntoViewIfNeeded();
        await shot(page, `gateway-details-${tag}`, false);
        await page.keyboard.press("Escape");

        await page.goto(`/o/${ACME.slug}/settings`);
        await expect(page.getByRole("heading", { name: "Token lifetime" })).toBeVisible();
        await shot(page, `settings-${tag}`);
      } finally {
        await context.close();
      }
    });
  }
}
