import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { ADMIN, BASE_URL } from "./constants";

/** The seeded demo org (lib/db/seed.ts). */
export const ACME = { slug: "acme", name: "Acme Inc.", adminName: "Acme Admin" } as const;

export type RoleLabel = "Viewer" | "Developer" | "Admin";

let counter = 0;

/** A value no other test (or earlier run against the same database) has used. */
export function unique(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}`;
}

export function uniqueEmail(label: string): string {
  return `${unique(label)}@e2e.test`.toLowerCase();
}

export interface Account {
  name: string;
  email: string;
  password: string;
}

export function newAccount(label: string): Account {
  return { name: `E2E ${label} ${Date.now().toString(36)}`, email: uniqueEmail(label), password: `pw-${unique(label)}-long` };
}

/** Fills the sign-in form on the current page (or /sign-in) and submits it. Does not wait for where it leads. */
export async function submitSignIn(page: Page, email: string, password: string, { navigate = true } = {}) {
  if (navigate) await page.goto("/sign-in");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Signs in and waits until the console (an /o/… page) is open. */
export async function signIn(page: Page, email: string, password: string, { navigate = true } = {}) {
  await submitSignIn(page, email, password, { navigate });
  await expect(page).toHaveURL(/\/o\/[a-z0-9-]+/);
}

export async function signInAsAdmin(page: Page) {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(new RegExp(`/o/${ACME.slug}(/|$)`));
}

/** Fills the sign-up form on the current page and submits it; returns the org slug it lands in. */
export async function fillSignUp(page: Page, account: Account, orgName?: string): Promise<string> {
  await page.getByLabel("Name", { exact: true }).fill(account.name);
  const email = page.getByLabel("E-mail", { exact: true });
  if (await email.isEditable()) await email.fill(account.email);
  else await expect(email).toHaveValue(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  if (orgName !== undefined) await page.getByLabel("Organization name", { exact: true }).fill(orgName);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/o\/[a-z0-9-]+$/, { timeout: 15_000 });
  return new URL(page.url()).pathname.split("/")[2];
}

/** Signs up a new account with its own organization; returns the org's slug. */
export async function signUp(page: Page, account: Account, orgName?: string): Promise<string> {
  await page.goto("/sign-up");
  return fillSignUp(page, account, orgName);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in(\?|$)/);
}

/** The shell's org switcher button for the org named `name` (its name reads "<org> <slug> · <role>, switch organization"). */
export function orgSwitcher(page: Page, name: string): Locator {
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return page.getByRole("button", { name: new RegExp(`^${literal} .*, switch organization$`) });
}

export function sidebarNav(page: Page): Locator {
  return page.getByRole("navigation", { name: "Organization" });
}

/**
 * As an admin on `orgSlug`'s Members page: invites `email` with `role` and
 * returns the invitation link shown (read from the "Invitation link" field).
 */
export async function invite(page: Page, orgSlug: string, email: string, role: RoleLabel): Promise<string> {
  await page.goto(`/o/${orgSlug}/members`);
  await page.getByLabel("E-mail to invite").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await page.getByRole("button", { name: "Send invite" }).click();
  const link = page.getByLabel("Invitation link");
  await expect(link).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `Invitation e-mailed to ${email}` })).toHaveCount(1);
  const value = await link.inputValue();
  expect(value.startsWith(`${BASE_URL}/invite/`)).toBe(true);
  expect(value.slice(BASE_URL.length)).toMatch(/^\/invite\/[A-Za-z0-9_-]{20,}$/);
  return value;
}

let visitors = 0;

/**
 * A browser for another person, arriving from an address of their own (the e2e
 * server trusts one proxy hop): sign-ups are limited per address, as they would
 * be for real people, and the suite makes more of them than one address may.
 */
export function newVisitor(browser: Browser): Promise<BrowserContext> {
  visitors += 1;
  const address = `198.51.${100 + Math.floor(visitors / 250)}.${(visitors % 250) + 1}`;
  return browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": address } });
}

/** Opens an invitation link in a fresh browser context and creates the invitee's account from it. */
export async function acceptAsNewUser(browser: Browser, link: string, account: Account): Promise<{ context: BrowserContext; page: Page; slug: string }> {
  const context = await newVisitor(browser);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up\?invite=/);
  await expect(page.getByLabel("Organization name")).toHaveCount(0);
  const slug = await fillSignUp(page, account);
  return { context, page, slug };
}

/** Opens an invitation link in `page` (signed out), signs in with an existing account and accepts. */
export async function acceptAsExistingUser(page: Page, link: string, account: Account): Promise<string> {
  await page.goto(link);
  await page.getByRole("link", { name: "I already have an account" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await expect(page.getByLabel("E-mail", { exact: true })).toHaveValue(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new URL(link).pathname);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/o\/[a-z0-9-]+$/, { timeout: 15_000 });
  return new URL(page.url()).pathname.split("/")[2];
}

/** The Projects page's row cell naming `name`. */
export function projectCell(page: Page, name: string): Locator {
  return page.getByRole("cell", { name, exact: true });
}

/** As a developer or admin on the Projects page: creates a project and waits for its row. */
export async function createProject(page: Page, name: string) {
  await page.getByLabel("New project name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(projectCell(page, name)).toBeVisible();
  await expect(page.getByLabel("New project name")).toHaveValue("");
}

/** The page's visible error alert (Next's route announcer is an always-present, empty role=alert region). */
export function formAlert(page: Page): Locator {
  return page.getByRole("alert").filter({ hasText: /\S/ });
}
