import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { ACME, newAccount, signInAsAdmin, signUp, unique } from "./support/flows";
import { createWorkspaceToken, mailboxMessagesAbout, tokenRow, workspaceTokensPath } from "./support/tokens";

/** `GET /api/v1/app/me` with `secret`; returns the status. */
async function me(request: APIRequestContext, secret: string, org: string = ACME.slug): Promise<number> {
  const response = await request.get("/api/v1/app/me", { headers: { authorization: `Bearer ${secret}`, "x-org": org }, failOnStatusCode: false });
  await response.dispose();
  return response.status();
}

/** Opens a token's details panel from its row. */
async function openDetails(page: Page, name: string): Promise<Locator> {
  await tokenRow(page, name).getByRole("button", { name, exact: true }).click();
  const panel = page.getByRole("dialog", { name });
  await expect(panel).toBeVisible();
  return panel;
}

/** Sums each numeric column of a chart's table view (Time, then one column per series). */
async function tableSums(chart: Locator): Promise<number[]> {
  await chart.getByRole("button", { name: "Table", exact: true }).click();
  const table = chart.getByRole("table");
  await expect(table).toBeVisible();
  const rows = await table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => Number((td.textContent ?? "").replace(/,/g, "")))),
  );
  const sums: number[] = [];
  for (const row of rows) row.forEach((n, i) => (sums[i] = (sums[i] ?? 0) + (Number.isFinite(n) ? n : 0)));
  return sums;
}

test.describe("usage, hygiene and policy", () => {
  test("a token's chart and request log show its successes and refusals, matching the usage API", async ({ page, request }) => {
    test.setTimeout(90_000);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("charted");
    // A rate limit of 3 a minute, so a refusal (429) is easy to make.
    await page.getByRole("button", { name: "Create token", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Create workspace token" });
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await dialog.getByRole("checkbox", { name: "View projects projects:read", exact: true }).check();
    await dialog.getByText(/^Advanced/).click();
    await dialog.getByLabel("Rate limit (requests per minute)").fill("3");
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    const modal = page.getByRole("dialog", { name: "Token created" });
    const secret = await modal.getByLabel("Your new token").inputValue();
    await modal.getByRole("button", { name: "I have saved it — close" }).click();
    const reader = await createWorkspaceToken(page, { name: unique("usage-reader"), permissions: ["tokens:read"] });

    // A call naming another org (403), then calls until the limit refuses one (429).
    const statuses = [await me(request, secret, "not-this-org")];
    while (!statuses.includes(429) && statuses.length < 12) statuses.push(await me(request, secret));
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect(count(403)).toBe(1);
    expect(count(429)).toBe(1);

    const panel = await openDetails(page, name);
    const id = (await panel.locator("dt", { hasText: "Token ID" }).locator("xpath=following-sibling::dd[1]").innerText()).trim();
    await expect(panel.getByTestId("usage-summary")).toContainText(`${statuses.length} calls in the last 48 hours`, { timeout: 15_000 });
    await expect(panel.getByRole("button", { name: "48 hours" })).toHaveAttribute("aria-pressed", "true");
    await expect(panel.getByTestId("token-usage-chart").getByRole("img")).toBeVisible();

    // The Workspace API's figures are the chart's, bucket for bucket.
    const api = await request.get(`/api/v1/app/tokens/${id}/usage?granularity=hour`, { headers: { authorization: `Bearer ${reader}`, "x-org": ACME.slug } });
    expect(api.status()).toBe(200);
    const usage = (await api.json()) as { data: Array<{ succeeded: number; denied: number; rate_limited: number; failed: number }> };
    expect(usage.data).toHaveLength(48);
    const apiSums = ["succeeded", "denied", "rate_limited", "failed"].map((k) => usage.data.reduce((n, b) => n + b[k as keyof (typeof usage.data)[0]], 0));
    expect(apiSums).toEqual([count(200), 1, 1, 0]);
    expect(await tableSums(panel.getByTestId("token-usage-chart"))).toEqual(apiSums);

    // The 90-day view counts the same calls.
    await panel.getByRole("button", { name: "90 days" }).click();
    await expect(panel.getByTestId("usage-summary")).toContainText(`${statuses.length} calls in the last 90 days`);

    // The request log lists the refusals with the route's pattern, the address and the agent.
    const log = panel.getByTestId("request-log");
    await expect(log.getByTestId("request-log-entry").filter({ hasText: "429" }).filter({ hasText: "GET /api/v1/app/me" })).toHaveCount(1);
    await expect(log.getByTestId("request-log-entry").filter({ hasText: "403" })).toHaveCount(1);
    await expect(log.getByTestId("request-log-entry").first()).toContainText("127.0.0.1");
  });

  test("search by name, prefix or a pasted token, sort and hygiene filters live in the URL", async ({ page, request }) => {
    test.setTimeout(90_000);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const tag = unique("hyg");
    const busy = await createWorkspaceToken(page, { name: `${tag}-busy`, permissions: ["projects:read"] });
    const quiet = await createWorkspaceToken(page, { name: `${tag}-quiet`, permissions: ["projects:read"] });
    await createWorkspaceToken(page, { name: `${tag}-idle`, permissions: ["projects:read"] });
    for (let i = 0; i < 3; i++) expect(await me(request, busy)).toBe(200);
    expect(await me(request, quiet)).toBe(200);

    const search = page.getByRole("searchbox", { name: "Search" });
    await search.fill(tag);
    await expect(page).toHaveURL(new RegExp(`q=${tag}`));
    await expect(page.getByTestId("token-count")).toHaveText("3 tokens match");

    // Most used first (usage is written within a second).
    await page.getByLabel("Sort", { exact: true }).selectOption({ label: "Most used" });
    await expect(page).toHaveURL(/sort=usage/);
    const names = page.locator('[data-testid^="token-row-"] td:first-child button');
    await expect(names).toHaveText([`${tag}-busy`, `${tag}-quiet`, `${tag}-idle`], { timeout: 15_000 });
    await page.getByLabel("Sort", { exact: true }).selectOption({ label: "Least used" });
    await expect(names).toHaveText([`${tag}-idle`, `${tag}-quiet`, `${tag}-busy`]);

    await page.getByLabel("Show", { exact: true }).selectOption({ label: "Never used" });
    await expect(names).toHaveText([`${tag}-idle`]);
    await expect(tokenRow(page, `${tag}-idle`).getByTestId("hygiene-badges")).toContainText("Never used");

    // The view survives a reload.
    await page.reload();
    await expect(page.getByLabel("Show", { exact: true })).toHaveValue("never_used");
    await expect(page.getByLabel("Sort", { exact: true })).toHaveValue("usage:asc");
    await expect(search).toHaveValue(tag);
    await expect(names).toHaveText([`${tag}-idle`]);
    await page.getByRole("button", { name: "Clear search and filters" }).click();
    await expect(page).not.toHaveURL(/filter=|q=/);

    // A pasted token is searched by its masked form: the secret never reaches the URL.
    const masked = `${busy.slice(0, 8)}…${busy.slice(-4)}`;
    await search.fill(busy);
    await expect(search).toHaveValue(masked);
    await expect(page).toHaveURL(/q=ksw_/);
    expect(page.url()).not.toContain(busy.slice(8, 30));
    await expect(names).toHaveText([`${tag}-busy`]);
    // And by its prefix alone.
    await search.fill(quiet.slice(0, 8));
    await expect(names).toContainText([`${tag}-quiet`]);
  });

  test("the command palette finds a token by name or by a pasted secret and opens its details", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const tag = unique("find");
    const secret = await createWorkspaceToken(page, { name: `${tag}-target`, permissions: ["projects:read"] });
    await createWorkspaceToken(page, { name: `${tag}-other`, permissions: ["projects:read"] });
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));

    await page.keyboard.press("Control+k");
    const palette = page.getByRole("dialog", { name: "Command menu" });
    await palette.getByRole("combobox").fill(`${tag}-target`);
    const option = palette.getByRole("option", { name: new RegExp(`${tag}-target`) });
    await expect(option).toBeVisible();
    await expect(palette.getByRole("option", { name: new RegExp(`${tag}-other`) })).toHaveCount(0);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog", { name: `${tag}-target` })).toBeVisible();
    await expect(page).toHaveURL(/token=/);
    await page.keyboard.press("Escape");

    // A pasted secret finds its token by the masked form; the secret is sent nowhere.
    await page.keyboard.press("Control+k");
    await palette.getByRole("combobox").fill(secret);
    await expect(palette.getByRole("option", { name: new RegExp(`${tag}-target`) })).toBeVisible();
    expect(urls.filter((u) => u.includes(secret.slice(8, 30)))).toEqual([]);
  });

  test("rename a token and describe it; the change is audited", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("to-rename");
    await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
    const panel = await openDetails(page, name);
    await panel.getByRole("button", { name: "Edit", exact: true }).click();
    const renamed = unique("renamed");
    await panel.getByLabel("Name", { exact: true }).fill(renamed);
    await panel.getByLabel("Description", { exact: true }).fill("Deploys from CI.\nOwned by the platform team.");
    await panel.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("dialog", { name: renamed })).toBeVisible();
    await expect(page.getByRole("dialog", { name: renamed }).getByTestId("token-description")).toHaveText("Deploys from CI.\nOwned by the platform team.");
    await page.keyboard.press("Escape");
    await expect(tokenRow(page, renamed)).toBeVisible();
    await expect(tokenRow(page, name)).toHaveCount(0);

    await page.goto(`/o/${ACME.slug}/audit`);
    const entry = page.getByRole("row").filter({ hasText: "Token updated" }).first();
    await expect(entry).toContainText(`Name${name} → ${renamed}`);
  });

  test("an admin sets a lifetime policy: the form offers only what it allows, the API refuses more, older tokens are flagged", async ({ page, request }) => {
    test.setTimeout(90_000);
    // A fresh org of its own, so the policy touches no other test.
    const slug = await signUp(page, newAccount("policy-admin"), unique("Policy Org"));
    await page.goto(workspaceTokensPath(slug));
    const forever = unique("forever");
    const minter = await createWorkspaceToken(page, { name: forever, permissions: ["tokens:create", "tokens:read"], expiration: "Never" });

    await page.goto(`/o/${slug}/settings`);
    await page.getByLabel("Maximum lifetime").selectOption({ label: "30 days" });
    await expect(page.getByRole("checkbox", { name: /Require an expiry date/ })).toBeChecked();
    await page.getByRole("button", { name: "Save lifetime policy" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Policy saved." })).toContainText("1 live token is beyond it");

    await page.goto(workspaceTokensPath(slug));
    await expect(tokenRow(page, forever).getByText("Beyond policy")).toBeVisible();
    await page.getByRole("button", { name: "Create token", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Create workspace token" });
    await expect(dialog.getByLabel("Expiration", { exact: true }).locator("option")).toHaveText(["7 days", "30 days", "Custom date"]);
    await expect(dialog.getByText("Organization policy: tokens live at most 30 days.")).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // The API: 60 days is refused with a 400 that names the policy; 20 days is fine.
    const body = (days: number) => ({ name: unique("api-minted"), permissions: ["tokens:read"], expires_at: new Date(Date.now() + days * 86_400_000).toISOString() });
    const headers = { authorization: `Bearer ${minter}`, "x-org": slug };
    const refused = await request.post("/api/v1/app/tokens", { headers, data: body(60), failOnStatusCode: false });
    expect(refused.status()).toBe(400);
    expect((await refused.json()).error.message).toMatch(/token policy allows a lifetime of at most 30 days/);
    const allowed = await request.post("/api/v1/app/tokens", { headers, data: body(20), failOnStatusCode: false });
    expect(allowed.status()).toBe(201);

    // The change is in the audit log.
    await page.goto(`/o/${slug}/audit`);
    await expect(page.getByRole("row").filter({ hasText: "Org token policy updated" }).first()).toContainText("FromExpiry required: NoToExpiry required: Yes; Maximum lifetime (days): 30");
  });

  test("a token about to expire sends its reminder to the admins' dev mailbox", async ({ page }) => {
    test.setTimeout(60_000);
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("expiring");
    // Valid through today (UTC): less than a day left, so the 1-day reminder is due at once.
    await page.getByRole("button", { name: "Create token", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Create workspace token" });
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await dialog.getByRole("checkbox", { name: "View projects projects:read", exact: true }).check();
    await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: "Custom date" });
    await dialog.getByLabel("Expires after").fill(new Date().toISOString().slice(0, 10));
    await dialog.getByRole("button", { name: "Create token", exact: true }).click();
    await page.getByRole("dialog", { name: "Token created" }).getByRole("button", { name: "I have saved it — close" }).click();
    await expect(tokenRow(page, name).getByTestId("hygiene-badges")).toContainText(/Expires in \d+ hours?/);

    await expect
      .poll(async () => (await mailboxMessagesAbout(page, name)).filter((m) => m.subject.includes("expires within a day")).length, { timeout: 20_000, intervals: [1_000] })
      .toBe(1);
    const [mail] = (await mailboxMessagesAbout(page, name)).filter((m) => m.subject.includes("expires within a day"));
    expect(mail.html).toContain("You created it.");
    expect(mail.html).toContain(`/o/${ACME.slug}/tokens/workspace?token=`);
    // Exactly once, whatever number of runs since.
    await page.waitForTimeout(2_500);
    expect((await mailboxMessagesAbout(page, name)).filter((m) => m.subject.includes("expires within a day"))).toHaveLength(1);
  });

  test("the overview charts the org's requests by kind and lists its busiest tokens", async ({ page, request }) => {
    await signInAsAdmin(page);
    await page.goto(workspaceTokensPath());
    const name = unique("overview");
    const secret = await createWorkspaceToken(page, { name, permissions: ["projects:read"] });
    for (let i = 0; i < 60; i++) expect(await me(request, secret)).toBe(200);
    await page.goto(`/o/${ACME.slug}`);
    await expect(page.getByRole("heading", { name: "Requests by token kind" })).toBeVisible();
    await expect(page.getByTestId("overview-requests-chart").getByRole("img")).toBeVisible();
    await expect(page.getByTestId("top-tokens").getByRole("link", { name })).toBeVisible({ timeout: 20_000 });
    await page.getByRole("button", { name: "48 hours" }).click();
    const sums = await tableSums(page.getByTestId("overview-requests-chart"));
    expect(sums[0]).toBeGreaterThanOrEqual(60);
  });
});
