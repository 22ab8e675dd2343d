import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { ACME } from "./flows";

/** A workspace token as docs/contract.md §3 writes it: `ksw_` + 30 random + 6 checksum base62 characters. */
export const WORKSPACE_SECRET = /^ksw_[0-9A-Za-z]{36}$/;

export const PERMISSION_LABELS = {
  "projects:read": "View projects",
  "projects:write": "Manage projects",
  "tokens:read": "View API tokens",
  "tokens:create": "Create API tokens",
  "tokens:delete": "Delete API tokens",
  "members:read": "View members",
} as const;
export type Permission = keyof typeof PERMISSION_LABELS;
export const ALL_PERMISSIONS = Object.keys(PERMISSION_LABELS) as Permission[];

export function workspaceTokensPath(orgSlug: string = ACME.slug): string {
  return `/o/${orgSlug}/tokens/workspace`;
}

/** The create dialog's checkbox for `permission` (its label is "<description> <permission>"). */
export function permissionCheckbox(scope: Page | Locator, permission: Permission): Locator {
  return scope.getByRole("checkbox", { name: `${PERMISSION_LABELS[permission]} ${permission}`, exact: true });
}

export function tokenRow(page: Page, name: string): Locator {
  return page.getByTestId(`token-row-${name}`);
}

/** Opens the row's "Actions for <name>" menu and returns it. */
export async function openRowMenu(page: Page, name: string): Promise<Locator> {
  await page.getByRole("button", { name: `Actions for ${name}`, exact: true }).click();
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  return menu;
}

/** The menu items' names, in order. */
export async function rowMenuItems(page: Page, name: string): Promise<string[]> {
  const menu = await openRowMenu(page, name);
  const items = (await menu.getByRole("menuitem").allInnerTexts()).map((t) => t.trim());
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  return items;
}

export async function rowAction(page: Page, name: string, item: "View details" | "Copy prefix" | "Regenerate" | "Deactivate" | "Activate" | "Revoke…") {
  const menu = await openRowMenu(page, name);
  await menu.getByRole("menuitem", { name: item, exact: true }).click();
}

/** The open show-once modal (its title is "Token created" or "Token regenerated"). */
export function secretModal(page: Page): Locator {
  return page.getByRole("dialog", { name: /^Token (created|regenerated)$/ });
}

/** Reads the secret from the open show-once modal, checks its format, and closes the modal. */
export async function readSecretAndClose(page: Page): Promise<string> {
  const modal = secretModal(page);
  await expect(modal).toBeVisible();
  const secret = await modal.getByLabel("Your new token").inputValue();
  expect(secret).toMatch(WORKSPACE_SECRET);
  await modal.getByRole("button", { name: "I have saved it — close" }).click();
  await expect(modal).toBeHidden();
  return secret;
}

/** Opens the create dialog, fills it and submits it. Leaves the show-once modal open (or the dialog, on errors). */
export async function submitCreateToken(
  page: Page,
  { name, permissions, expiration }: { name: string; permissions: Permission[]; expiration?: string },
): Promise<Locator> {
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Create workspace token" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  for (const p of permissions) await permissionCheckbox(dialog, p).check();
  if (expiration) await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: expiration });
  await dialog.getByRole("button", { name: "Create token", exact: true }).click();
  return dialog;
}

/** Creates a workspace token on the current Workspace tokens page; returns its secret (the modal is closed). */
export async function createWorkspaceToken(page: Page, options: { name: string; permissions: Permission[]; expiration?: string }): Promise<string> {
  await submitCreateToken(page, options);
  const secret = await readSecretAndClose(page);
  await expect(tokenRow(page, options.name)).toBeVisible();
  return secret;
}

/** `GET /api/v1/app/me` with `secret` as a Bearer token. */
export async function callMe(request: APIRequestContext, secret: string, orgSlug: string = ACME.slug) {
  const response = await request.get("/api/v1/app/me", {
    headers: { authorization: `Bearer ${secret}`, "x-org": orgSlug },
    failOnStatusCode: false,
  });
  return { status: response.status(), body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
}

export async function expectMeStatus(request: APIRequestContext, secret: string, status: number) {
  const { status: actual, body } = await callMe(request, secret);
  expect(actual, `GET /api/v1/app/me → ${JSON.stringify(body)}`).toBe(status);
  if (status === 401) {
    expect(body).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } });
  }
  return body;
}

/**
 * As the signed-in member, opens every dev-mailbox mail (/mailbox) whose subject
 * names `tokenName` and returns each mail page's subject and full HTML (the
 * e-mail's HTML is in the iframe's srcdoc, the text part in a <pre>).
 */
export async function mailboxMessagesAbout(page: Page, tokenName: string): Promise<Array<{ subject: string; html: string }>> {
  await page.goto("/mailbox");
  await expect(page.getByRole("heading", { level: 1, name: "Dev mailbox" })).toBeVisible();
  const links = page.getByRole("link").filter({ hasText: `"${tokenName}"` });
  const hrefs = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href") ?? ""));
  const messages: Array<{ subject: string; html: string }> = [];
  for (const href of hrefs) {
    await page.goto(href);
    const subject = (await page.getByRole("heading", { level: 1 }).innerText()).trim();
    messages.push({ subject, html: await page.content() });
  }
  return messages;
}
