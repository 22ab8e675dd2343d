import fs from "node:fs";
import { expect, test, type Page, type Request, type Response } from "@playwright/test";
import { SERVER_LOG_PATH } from "./support/constants";
import { ACME, acceptAsNewUser, invite, newAccount, signInAsAdmin, unique } from "./support/flows";
import { retainingPaths, takeHeapSnapshot } from "./support/heap";
import {
  ALL_PERMISSIONS,
  createWorkspaceToken,
  expectMeStatus,
  mailboxMessagesAbout,
  permissionCheckbox,
  readSecretAndClose,
  rowAction,
  rowMenuItems,
  secretModal,
  submitCreateToken,
  tokenRow,
  WORKSPACE_SECRET,
  workspaceTokensPath,
} from "./support/tokens";

/** Fails if `secret` (or its 30 random characters) is in the e2e server's log. */
function expectNotInServerLog(secrets: string[]) {
  const log = fs.readFileSync(SERVER_LOG_PATH, "utf8");
  for (const secret of secrets) {
    expect(log.includes(secret), `the server log must not contain the secret ${secret.slice(0, 8)}…`).toBe(false);
    expect(log.includes(secret.slice(4, 34)), `the server log must not contain the random part of ${secret.slice(0, 8)}…`).toBe(false);
  }
}

/** Fails if any of `secrets` is anywhere the browser keeps things for this page: DOM, URL, history state, storage, cookies, caches. */
async function expectSecretsNowhereInBrowser(page: Page, secrets: string[]) {
  const html = await page.content();
  const url = page.url();
  const stored = await page.evaluate(async () => {
    const dump = (s: Storage) => JSON.stringify(Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i)!)])));
    let historyState = "";
    try {
      historyState = JSON.stringify(history.state) ?? "";
    } catch {
      historyState = String(history.state);
    }
    let cached = "";
    if ("caches" in window) {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) cached += `${req.url}\n${await (await cache.match(req))?.text()}\n`;
      }
    }
    return { local: dump(localStorage), session: dump(sessionStorage), historyState, cached, cookie: document.cookie };
  });
  const cookies = JSON.stringify(await page.context().cookies());
  for (const secret of secrets) {
    const tag = `${secret.slice(0, 8)}…`;
    expect(html.includes(secret), `page HTML contains ${tag}`).toBe(false);
    expect(url.includes(secret), `URL contains ${tag}`).toBe(false);
    expect(stored.historyState.includes(secret), `history.state contains ${tag}`).toBe(false);
    expect(stored.local.includes(secret), `localStorage contains ${tag}`).toBe(false);
    expect(stored.session.includes(secret), `sessionStorage contains ${tag}`).toBe(false);
    expect(stored.cached.includes(secret), `Cache Storage contains ${tag}`).toBe(false);
    expect(stored.cookie.includes(secret) || cookies.includes(secret), `cookies contain ${tag}`).toBe(false);
  }
}

/**
 * Collects the bodies of every document/fetch response the page receives,
 * except the responses to server actions (which legitimately carry a new secret once).
 */
function watchResponses(page: Page) {
  const bodies: Array<Promise<{ url: string; text: string }>> = [];
  const onResponse = (response: Response) => {
    const request: Request = response.request();
    if (!["document", "fetch", "xhr"].includes(request.resourceType())) return;
    if (request.method() === "POST" && request.headers()["next-action"]) return;
    if (response.status() >= 300 && response.status() < 400) return;
    bodies.push(
      response
        .text()
        .then((text) => ({ url: response.url(), text }))
        .catch(() => ({ url: response.url(), text: "" })),
    );
  };
  page.on("response", onResponse);
  return {
    async expectNoneContain(secrets: string[]) {
      page.off("response", onResponse);
      const all = await Promise.all(bodies);
      expect(all.length).toBeGreaterThan(0);
      for (const { url, text } of all) {
        for (const secret of secrets) expect(text.includes(secret), `response of ${url} contains ${secret.slice(0, 8)}…`).toBe(false);
      }
    },
  };
}

test.describe("workspace tokens", () => {
  test("create → copy once → use → deactivate → activate → regenerate → revoke; the secret is never kept or logged", async ({ page, context, request }) => {
    test.setTimeout(120_000);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    await expect(page.getByRole("heading", { level: 1, name: "Workspace tokens" })).toBeVisible();

    const name = unique("ws-flow");
    const secrets: string[] = [];

    // Create with two permissions; the show-once modal holds the secret.
    await submitCreateToken(page, { name, permissions: ["projects:read", "members:read"] });
    const modal = secretModal(page);
    await expect(modal).toBeVisible();
    await expect(modal).toHaveAccessibleName("Token created");
    await expect(modal.getByRole("alert")).toContainText("You will not see this token again");
    const secret = await modal.getByLabel("Your new token").inputValue();
    expect(secret).toMatch(WORKSPACE_SECRET);
    secrets.push(secret);

    // Copy puts exactly that value on the clipboard.
    await modal.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(modal.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toBe(secret);
    expect(clipboard).toMatch(WORKSPACE_SECRET);
    // Overwrite the clipboard so nothing below can find the secret there by accident.
    await page.evaluate(() => navigator.clipboard.writeText("cleared"));

    // From here on, no response the page receives may carry a secret (server-action responses excepted).
    const responses = watchResponses(page);

    await modal.getByRole("button", { name: "I have saved it — close" }).click();
    await expect(modal).toBeHidden();
    const row = tokenRow(page, name);
    await expect(row).toBeVisible();
    await expect(row).toContainText(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
    await expect(row).toContainText("projects:read");
    await expect(row).toContainText("members:read");
    await expect(row.getByTestId("usage-count")).toHaveText("0");
    await expect(row).toContainText("Active");
    await expectSecretsNowhereInBrowser(page, secrets);

    // Back and forward do not bring it back either.
    await page.goBack();
    await page.goForward();
    await expect(page).toHaveURL(workspaceTokensPath());
    await expect(tokenRow(page, name)).toBeVisible();
    await expect(secretModal(page)).toHaveCount(0);
    await expectSecretsNowhereInBrowser(page, secrets);

    // Nor does a reload.
    await page.reload();
    await expect(tokenRow(page, name)).toBeVisible();
    await expect(secretModal(page)).toHaveCount(0);
    await expectSecretsNowhereInBrowser(page, secrets);

    // The secret works, as exactly this token with exactly these permissions.
    const me = await expectMeStatus(request, secret, 200);
    expect(me).toMatchObject({ name, kind: "workspace", org_slug: ACME.slug });
    expect([...((me?.permissions as string[]) ?? [])].sort()).toEqual(["members:read", "projects:read"]);
    const tokenId = me?.id as string;
    expect(tokenId).toBeTruthy();

    // The list refreshes live: the use shows without a reload.
    await expect(row.getByTestId("usage-count")).toHaveText("1", { timeout: 15_000 });
    await expect(row).toContainText("just now");

    // Deactivate → 401, and the failed call does not count.
    await rowAction(page, name, "Deactivate");
    await expect(page.getByText(`${name} deactivated.`)).toBeVisible();
    await expect(row).toContainText("Inactive");
    await expectMeStatus(request, secret, 401);
    expect(await rowMenuItems(page, name)).toEqual(["View details", "Copy prefix", "Regenerate", "Activate", "Revoke…"]);

    // Activate → 200 again.
    await rowAction(page, name, "Activate");
    await expect(page.getByText(`${name} activated.`)).toBeVisible();
    await expect(row).toContainText("Active");
    await expect(row).not.toContainText("Inactive");
    await expectMeStatus(request, secret, 200);
    await expect(row.getByTestId("usage-count")).toHaveText("2", { timeout: 15_000 });

    // Regenerate: same record, new secret shown once; the old one stops at once.
    await rowAction(page, name, "Regenerate");
    const regen = page.getByRole("dialog", { name: `Regenerate ${name}?` });
    await expect(regen).toBeVisible();
    // No overlap unless asked for: the old secret stops now.
    await expect(regen.getByLabel("Overlap", { exact: true })).toHaveValue("none");
    await regen.getByRole("button", { name: "Regenerate token", exact: true }).click();
    await expect(secretModal(page)).toHaveAccessibleName("Token regenerated");
    await expect(secretModal(page).getByRole("alert")).toContainText("The previous secret has stopped working.");
    const renewed = await readSecretAndClose(page);
    secrets.push(renewed);
    expect(renewed).not.toBe(secret);
    await expect(row).toContainText(`${renewed.slice(0, 8)}…${renewed.slice(-4)}`);
    await expectMeStatus(request, secret, 401);
    const meAgain = await expectMeStatus(request, renewed, 200);
    expect(meAgain).toMatchObject({ id: tokenId, name });
    await expect(row.getByTestId("usage-count")).toHaveText("3", { timeout: 15_000 });
    await expectSecretsNowhereInBrowser(page, secrets);

    // Revoke: the button stays disabled until the name is typed exactly.
    await rowAction(page, name, "Revoke…");
    const revoke = page.getByRole("dialog", { name: "Revoke token" });
    await expect(revoke).toBeVisible();
    await expect(revoke).toContainText(name);
    await expect(revoke).toContainText(`${renewed.slice(0, 8)}…${renewed.slice(-4)}`);
    await expect(revoke).toContainText("This cannot be undone.");
    const confirm = revoke.getByLabel(`Type ${name} to confirm`);
    const revokeButton = revoke.getByRole("button", { name: "Revoke token", exact: true });
    await expect(revokeButton).toBeDisabled();
    for (const nearMiss of [name.slice(0, -1), `${name} `, ` ${name}`, name.toUpperCase(), `${name}x`]) {
      await confirm.fill(nearMiss);
      await expect(revokeButton, `near miss ${JSON.stringify(nearMiss)}`).toBeDisabled();
    }
    // Enter on a near miss does not submit either.
    await confirm.press("Enter");
    await expect(revoke).toBeVisible();
    await expectMeStatus(request, renewed, 200);
    await expect(row.getByTestId("usage-count")).toHaveText("4", { timeout: 15_000 });

    await confirm.fill(name);
    await expect(revokeButton).toBeEnabled();
    await revokeButton.click();
    await expect(revoke).toBeHidden();
    await expect(page.getByText(`${name} revoked.`)).toBeVisible();
    await expect(row).toContainText("Revoked");
    await expectMeStatus(request, renewed, 401);
    await expectMeStatus(request, secret, 401);
    expect(await rowMenuItems(page, name)).toEqual(["View details", "Copy prefix"]);

    // The Revoked filter shows it; the Active one does not.
    const filter = page.getByLabel("Status", { exact: true });
    await filter.selectOption({ label: "Revoked" });
    await expect(page).toHaveURL(`${workspaceTokensPath()}?status=REVOKED`);
    await expect(tokenRow(page, name)).toBeVisible();
    await expect(tokenRow(page, name)).toContainText("Revoked");
    await filter.selectOption({ label: "Active" });
    await expect(page).toHaveURL(`${workspaceTokensPath()}?status=ACTIVE`);
    await expect(tokenRow(page, name)).toHaveCount(0);
    await filter.selectOption({ label: "Revoked" });
    await expect(page).toHaveURL(`${workspaceTokensPath()}?status=REVOKED`);
    await page.reload();
    await expect(page.getByLabel("Status", { exact: true })).toHaveValue("REVOKED");
    await expect(tokenRow(page, name)).toContainText("Revoked");
    // Exact counts: the 4 successful calls, none of the 401s.
    await expect(tokenRow(page, name).getByTestId("usage-count")).toHaveText("4");

    await expectSecretsNowhereInBrowser(page, secrets);
    await responses.expectNoneContain(secrets);

    // The admins' notices (dev mailbox) name the token and show it masked, never the secret.
    const mails = await mailboxMessagesAbout(page, name);
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [`[${ACME.name}] Workspace token "${name}" created`, `[${ACME.name}] Workspace token "${name}" regenerated`].sort(),
    );
    for (const mail of mails) {
      for (const s of secrets) expect(mail.html.includes(s), `mail "${mail.subject}" contains ${s.slice(0, 8)}…`).toBe(false);
    }
    expect(mails.some((m) => m.html.includes(`${secret.slice(0, 8)}…${secret.slice(-4)}`))).toBe(true);
    expect(mails.some((m) => m.html.includes(`${renewed.slice(0, 8)}…${renewed.slice(-4)}`))).toBe(true);

    expectNotInServerLog(secrets);
  });

  test("regenerating with an overlap keeps the old secret working, and the show-once modal says so", async ({ page, request }) => {
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("ws-overlap");
    const old = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
    await rowAction(page, name, "Regenerate");
    const regen = page.getByRole("dialog", { name: `Regenerate ${name}?` });
    await regen.getByLabel("Overlap", { exact: true }).selectOption({ label: "1 hour" });
    await regen.getByRole("button", { name: "Regenerate token", exact: true }).click();
    const modal = secretModal(page);
    await expect(modal).toHaveAccessibleName("Token regenerated");
    const alert = await modal.getByRole("alert").innerText();
    const renewed = await readSecretAndClose(page);
    await expectMeStatus(request, renewed, 200);
    await expectMeStatus(request, old, 200);
    // The old secret does still work for the hour, so the modal must not tell the user it stopped.
    expect(alert).not.toContain("The previous secret has stopped working.");
    expectNotInServerLog([old, renewed]);
  });

  test("after the show-once modal closes, the secret is no longer in the page's JavaScript heap", async ({ page, context }) => {
    test.setTimeout(90_000);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("ws-heap");
    await submitCreateToken(page, { name, permissions: ["projects:read"] });
    const modal = secretModal(page);
    const secret = await modal.getByLabel("Your new token").inputValue();
    expect(secret).toMatch(WORKSPACE_SECRET);
    // As for a person who takes a moment to copy it: the list's refresh (started on
    // creation) lands behind the modal, so the new row is rendered while the modal is open.
    await expect(tokenRow(page, name)).toBeAttached();
    await modal.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(modal.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
    await page.evaluate(() => navigator.clipboard.writeText("cleared"));

    // Control: while the modal is open, the snapshot does contain it (the method can see it).
    const open = await takeHeapSnapshot(page);
    expect(open.includes(secret), "a heap snapshot taken with the modal open should contain the secret").toBe(true);

    await modal.getByRole("button", { name: "I have saved it — close" }).click();
    await expect(modal).toBeHidden();
    await expect(tokenRow(page, name)).toBeVisible();

    const closed = await takeHeapSnapshot(page);
    const retained = closed.includes(secret);
    expect(retained, retained ? `the secret is still in the heap after the modal closed:\n${retainingPaths(closed, secret).join("\n")}` : "").toBe(false);
    expectNotInServerLog([secret]);
  });

  test("a viewer sees the tokens but cannot create or change any", async ({ page, browser, request }) => {
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const adminToken = unique("ws-admin-for-viewer");
    const secret = await createWorkspaceToken(page, { name: adminToken, permissions: ["tokens:read"] });
    await expectMeStatus(request, secret, 200);

    const account = newAccount("tokens-viewer");
    const link = await invite(page, ACME.slug, account.email, "Viewer");
    const viewer = await acceptAsNewUser(browser, link, account);
    try {
      const p = viewer.page;
      await p.goto(workspaceTokensPath());
      await expect(p.getByRole("heading", { level: 1, name: "Workspace tokens" })).toBeVisible();
      const row = tokenRow(p, adminToken);
      await expect(row).toBeVisible();
      await expect(row).toContainText(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
      await expect(row).toContainText(ACME.adminName);
      await expect(row.getByTestId("usage-count")).toHaveText("1", { timeout: 15_000 });
      await expect(p.getByRole("button", { name: "Create token" })).toHaveCount(0);
      expect(await rowMenuItems(p, adminToken)).toEqual(["View details", "Copy prefix"]);

      // Details open for a viewer too, with metadata only.
      await rowAction(p, adminToken, "View details");
      const details = p.getByRole("dialog", { name: adminToken });
      await expect(details).toBeVisible();
      await expect(details.getByTestId("details-usage")).toHaveText("1 call");
      await expect(details).toContainText("tokens:read");
      await p.keyboard.press("Escape");
      await expect(details).toBeHidden();

      await expectSecretsNowhereInBrowser(p, [secret]);
    } finally {
      await viewer.context.close();
    }
  });

  test("a developer can grant their role's permissions, manages only their own tokens, and cannot revoke the admin's", async ({ page, browser, request }) => {
    test.setTimeout(90_000);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const adminToken = unique("ws-admin-for-dev");
    const adminSecret = await createWorkspaceToken(page, { name: adminToken, permissions: ["projects:read", "tokens:read"] });
    const adminTokenId = (await expectMeStatus(request, adminSecret, 200))?.id as string;

    const account = newAccount("tokens-developer");
    const link = await invite(page, ACME.slug, account.email, "Developer");
    const dev = await acceptAsNewUser(browser, link, account);
    try {
      const p = dev.page;
      await p.goto(workspaceTokensPath());
      await expect(tokenRow(p, adminToken)).toBeVisible();

      // Developers hold all six API permissions (lib/authz.ts rolePermissions): every box can be ticked.
      await p.getByRole("button", { name: "Create token", exact: true }).click();
      const dialog = p.getByRole("dialog", { name: "Create workspace token" });
      for (const permission of ALL_PERMISSIONS) await expect(permissionCheckbox(dialog, permission)).toBeEnabled();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();

      const own = unique("ws-dev-own");
      const ownSecret = await createWorkspaceToken(p, { name: own, permissions: ["projects:write", "tokens:create"] });
      const ownMe = await expectMeStatus(request, ownSecret, 200);
      expect([...((ownMe?.permissions as string[]) ?? [])].sort()).toEqual(["projects:write", "tokens:create"]);
      const ownId = ownMe?.id as string;

      expect(await rowMenuItems(p, own)).toEqual(["View details", "Copy prefix", "Regenerate", "Deactivate", "Revoke…"]);
      expect(await rowMenuItems(p, adminToken)).toEqual(["View details", "Copy prefix"]);

      // Revoke their own token while capturing the server action, then replay it against the admin's token.
      let captured: Request | undefined;
      const onRequest = (r: Request) => {
        if (r.method() === "POST" && r.headers()["next-action"] && r.postData()?.includes(ownId)) captured = r;
      };
      p.on("request", onRequest);
      await rowAction(p, own, "Revoke…");
      const revoke = p.getByRole("dialog", { name: "Revoke token" });
      await revoke.getByLabel(`Type ${own} to confirm`).fill(own);
      await revoke.getByRole("button", { name: "Revoke token", exact: true }).click();
      await expect(revoke).toBeHidden();
      await expect(tokenRow(p, own)).toContainText("Revoked");
      p.off("request", onRequest);
      await expectMeStatus(request, ownSecret, 401);
      expect(captured, "the revoke server action request").toBeDefined();

      const headers = Object.fromEntries(
        Object.entries(await captured!.allHeaders()).filter(([h]) => !["cookie", "content-length", "host"].includes(h) && !h.startsWith(":")),
      );
      const body = captured!.postData()!;
      const forged = body.split(ownId).join(adminTokenId).split(own).join(adminToken);
      expect(forged).toContain(adminTokenId);
      const replay = await dev.context.request.post(captured!.url(), { headers, data: Buffer.from(forged, "utf8") });
      const replayText = await replay.text();
      expect(replayText).toContain('"ok":false');
      expect(replayText).toContain("You do not have permission to change this token.");
      await expectMeStatus(request, adminSecret, 200);
      await page.goto(workspaceTokensPath());
      await expect(tokenRow(page, adminToken)).toContainText("Active");

      expectNotInServerLog([adminSecret, ownSecret]);
    } finally {
      await dev.context.close();
    }
  });

  test("name validation: empty and duplicate names are refused and the form keeps what was typed", async ({ page, request }) => {
    test.setTimeout(90_000);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const existing = unique("ws-taken");
    const existingSecret = await createWorkspaceToken(page, { name: existing, permissions: ["projects:read"] });

    // Empty name.
    await page.getByRole("button", { name: "Create token", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Create workspace token" });
    await permissionCheckbox(dialog, "tokens:read").check();
    await permissionCheckbox(dialog, "members:read").check();
    await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: "90 days" });
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    const nameField = dialog.getByLabel("Name", { exact: true });
    await expect(nameField).toHaveAttribute("aria-invalid", "true");
    await expect(dialog).toContainText("Enter a name.");
    await expect(permissionCheckbox(dialog, "tokens:read")).toBeChecked();
    await expect(permissionCheckbox(dialog, "members:read")).toBeChecked();
    await expect(permissionCheckbox(dialog, "projects:read")).not.toBeChecked();
    await expect(dialog.getByLabel("Expiration", { exact: true })).toHaveValue("90d");

    // Only spaces is empty too.
    await nameField.fill("   ");
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    await expect(dialog).toContainText("Enter a name.");

    // A live token's name.
    await nameField.fill(existing);
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    await expect(dialog).toContainText("already exists");
    await expect(nameField).toHaveAttribute("aria-invalid", "true");
    await expect(nameField).toHaveValue(existing);
    await expect(permissionCheckbox(dialog, "tokens:read")).toBeChecked();
    await expect(permissionCheckbox(dialog, "members:read")).toBeChecked();
    await expect(dialog.getByLabel("Expiration", { exact: true })).toHaveValue("90d");
    await expect(secretModal(page)).toHaveCount(0);

    // Fixing the name creates it with what was kept.
    const fixed = unique("ws-fixed");
    await nameField.fill(fixed);
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    const fixedSecret = await readSecretAndClose(page);
    const fixedMe = await expectMeStatus(request, fixedSecret, 200);
    expect([...((fixedMe?.permissions as string[]) ?? [])].sort()).toEqual(["members:read", "tokens:read"]);
    const expiresAt = Date.parse(fixedMe?.expires_at as string);
    expect(Math.abs(expiresAt - (Date.now() + 90 * 86_400_000))).toBeLessThan(10 * 60_000);

    // Once revoked, a name is free again ("unique among live tokens").
    await rowAction(page, existing, "Revoke…");
    const revoke = page.getByRole("dialog", { name: "Revoke token" });
    await revoke.getByLabel(`Type ${existing} to confirm`).fill(existing);
    await revoke.getByRole("button", { name: "Revoke token", exact: true }).click();
    await expect(revoke).toBeHidden();
    await expect(tokenRow(page, existing)).toContainText("Revoked");
    await submitCreateToken(page, { name: existing, permissions: ["projects:read"] });
    const reusedSecret = await readSecretAndClose(page);
    await expect(tokenRow(page, existing)).toHaveCount(2);
    await expect(tokenRow(page, existing).filter({ hasText: "Revoked" })).toHaveCount(1);
    await expect(tokenRow(page, existing).filter({ hasText: "Active" })).toHaveCount(1);
    await expectMeStatus(request, existingSecret, 401);
    await expectMeStatus(request, reusedSecret, 200);

    expectNotInServerLog([existingSecret, fixedSecret, reusedSecret]);
  });
});
