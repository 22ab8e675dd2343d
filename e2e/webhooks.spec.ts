import { expect, test, type Page } from "@playwright/test";
import { startWebhookReceiver, type WebhookReceiver } from "../tests/support/webhook-receiver";
import { ACME, signInAsAdmin, unique } from "./support/flows";
import { createWorkspaceToken, workspaceTokensPath } from "./support/tokens";

/**
 * Webhooks in the console (issue 14): register an endpoint (a receiver this
 * test runs, verifying with the `standardwebhooks` library), get its signing
 * secret once, create a token, and see the delivery in the endpoint's log.
 */

let receiver: WebhookReceiver;

test.beforeEach(async () => {
  receiver = await startWebhookReceiver([]);
});
test.afterEach(async () => {
  await receiver.close();
});

/** Adds an endpoint for the receiver, hands it the secret from the show-once modal, and lands on the endpoint's page. */
async function addEndpoint(page: Page, description: string) {
  await page.goto(`/o/${ACME.slug}/webhooks`);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a webhook endpoint" });
  await dialog.getByLabel("Endpoint URL").fill(receiver.url);
  await dialog.getByLabel("Description (optional)").fill(description);
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  const modal = page.getByRole("dialog", { name: "Endpoint added" });
  await expect(modal).toBeVisible();
  const secret = await modal.getByLabel("Signing secret").inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  receiver.secrets = [secret];
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  await expect(page.getByRole("heading", { level: 1, name: description })).toBeVisible();
  return secret;
}

function deliveryRow(page: Page, eventType: string) {
  return page.getByTestId("delivery-row").filter({ hasText: eventType });
}

test("register an endpoint, create a token, see the signed delivery in the log", async ({ page }) => {
  await signInAsAdmin(page);
  const description = unique("SIEM");
  const secret = await addEndpoint(page, description);
  const endpointUrl = page.url();
  await expect(page.getByText("No deliveries yet")).toBeVisible();
  // The secret was shown once: the endpoint's page does not have it.
  expect(await page.content()).not.toContain(secret.slice(6));

  const name = unique("hooked");
  await page.goto(workspaceTokensPath());
  const tokenSecret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });

  await page.goto(endpointUrl);
  const row = deliveryRow(page, "token.created");
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row).toContainText("Delivered", { timeout: 15_000 });
  await expect(row).toContainText("204");
  await expect(row).toContainText(/\d+ ms/);

  await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(1);
  const created = receiver.received.find((r) => r.type === "token.created")!;
  expect(receiver.rejected).toBe(0);
  expect((created.payload.data.token as { name: string }).name).toBe(name);
  expect(created.body).not.toContain(tokenSecret);

  // Send a test event; redeliver the token event: the same webhook-id arrives again.
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(deliveryRow(page, "webhook.test")).toContainText("Delivered", { timeout: 15_000 });
  await row.getByRole("button", { name: /^Redeliver token\.created/ }).click();
  await expect(page.getByText("Redelivery queued.")).toBeVisible();
  await expect.poll(() => receiver.received.filter((r) => r.id === created.id).length, { timeout: 15_000 }).toBe(2);

  // The list shows the endpoint with its last delivery.
  await page.goto(`/o/${ACME.slug}/webhooks`);
  await expect(page.getByRole("link", { name: receiver.url })).toBeVisible();
});

test("a failing receiver shows retries; disabling keeps events; rotating shows the new secret once", async ({ page }) => {
  await signInAsAdmin(page);
  await addEndpoint(page, unique("Flaky"));
  receiver.mode = "fail";
  await page.getByRole("button", { name: "Send test event" }).click();
  const row = deliveryRow(page, "webhook.test");
  await expect(row).toContainText("Retrying", { timeout: 15_000 });
  await expect(row).toContainText("500");
  await expect(page.getByText("Failing", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Disabled", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText("Enabled", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Rotate secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Rotate the signing secret" });
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const modal = page.getByRole("dialog", { name: "Signing secret rotated" });
  await expect(modal).toContainText("signed with both secrets until");
  const fresh = await modal.getByLabel("Signing secret").inputValue();
  expect(fresh).not.toBe(receiver.secrets[0]);
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  await expect(page.getByText(/Two secrets sign until/)).toBeVisible();

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this endpoint?" }).getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${ACME.slug}/webhooks$`));
});

test("on a phone, every endpoint action is reachable", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  try {
    await signInAsAdmin(page);
    await addEndpoint(page, unique("Phone"));
    for (const name of ["Send test event", "Edit", "Rotate secret", "Disable", "Delete"]) {
      const button = page.getByRole("button", { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      await expect(button).toBeInViewport();
    }
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(deliveryRow(page, "webhook.test")).toContainText("Delivered", { timeout: 15_000 });
  } finally {
    await context.close();
  }
});
