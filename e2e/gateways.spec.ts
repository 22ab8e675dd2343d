import { expect, test } from "@playwright/test";
import { acceptAsNewUser, invite, newAccount, signInAsAdmin, unique } from "./support/flows";
import { tokenRow } from "./support/tokens";
import { BASE_URL } from "./support/constants";

const GATEWAY_SECRET = /^ksg_[0-9A-Za-z]{36}$/;

test("admin creates a gateway; a developer creates a token in its Developer Console and calls the gateway", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const gatewayName = unique("Echo Lab");
  await signInAsAdmin(page);
  await page.goto("/o/acme/gateways");
  await page.getByRole("button", { name: "Create gateway" }).click();
  const form = page.getByRole("dialog", { name: "Create gateway" });
  await form.getByLabel("Name", { exact: true }).fill(gatewayName);
  const slug = await form.getByLabel("Slug", { exact: true }).inputValue();
  expect(slug).toMatch(/^echo-lab/);
  await form.getByRole("button", { name: "Create gateway" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/acme/gateways/${slug}$`));
  await expect(page.getByRole("heading", { name: `${gatewayName} — Developer Console` })).toBeVisible();

  // A developer joins and opens the gateway's Developer Console from the list.
  const dev = newAccount("gateway-dev");
  const link = await invite(page, "acme", dev.email, "Developer");
  const { context, page: devPage } = await acceptAsNewUser(browser, link, dev);
  await devPage.goto("/o/acme/gateways");
  await devPage.getByRole("link", { name: new RegExp(gatewayName) }).click();
  await expect(devPage.getByRole("heading", { name: `${gatewayName} — Developer Console` })).toBeVisible();
  // Developers do not manage gateways.
  await expect(devPage.getByRole("button", { name: "Edit gateway" })).toHaveCount(0);
  // The quick start shows a placeholder, never a secret.
  await expect(devPage.getByText("$KEYSMITH_TOKEN").first()).toBeVisible();
  // Snippets name the real origin, not a variable to fill in.
  await expect(devPage.getByLabel("curl snippet")).toContainText(`${BASE_URL}/api/gpt/v1/messages`);

  await devPage.getByRole("button", { name: "Create token", exact: true }).click();
  const create = devPage.getByRole("dialog", { name: "Create gateway token" });
  await create.getByLabel("Name", { exact: true }).fill("dev laptop");
  await expect(create.getByLabel("Gateway", { exact: true })).toHaveValue(/.+/);
  await create.getByRole("button", { name: "Create token", exact: true }).click();
  const modal = devPage.getByRole("dialog", { name: "Token created" });
  await modal.getByRole("button", { name: "Copy", exact: true }).click();
  const secret = await modal.getByLabel("Your new token").inputValue();
  expect(secret).toMatch(GATEWAY_SECRET);
  await modal.getByRole("button", { name: "I have saved it — close" }).click();

  const response = await request.post("/api/gpt/v1/messages", {
    headers: { "x-api-key": secret, "anthropic-version": "2023-06-01" },
    data: { model: "keysmith-echo-1", max_tokens: 64, messages: [{ role: "user", content: "Hello, gateway" }] },
  });
  expect(response.status()).toBe(200);
  const message = await response.json();
  expect(message).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: "Hello, gateway" }] });

  // The live table shows the call without a reload.
  await expect(tokenRow(devPage, "dev laptop").getByTestId("usage-count")).toHaveText("1", { timeout: 15_000 });
  await context.close();
});
