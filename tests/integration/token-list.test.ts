/**
 * Token lists (lib/tokens/list.ts): search by name, description, prefix, masked
 * or whole token; every sort in both directions paged forwards and back by cursor
 * equals the full order; hygiene filters agree with the badges' rules; and the
 * org's lifetime policy (lib/tokens/lifetime.ts) on creation, regeneration and
 * existing tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { countBeyondPolicy, updateTokenPolicy } from "@/lib/orgs/token-policy";
import { hygieneBadges, isLive, type HygieneFilter, type SortDirection, type TokenSort } from "@/lib/tokens/hygiene";
import { beyondPolicy, type TokenPolicy } from "@/lib/tokens/lifetime";
import { decodeCursor } from "@/lib/tokens/list";
import { issueToken, listTokens, regenerateToken, revokeToken, type ChangeMeta, type TokenView } from "@/lib/tokens/service";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { createOrgWithAdmin, uniq } from "../support/fixtures";

const DAY = 86_400_000;

describe.each(testDatabases)("token lists and the lifetime policy on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await openAppDb(name);
    prisma = app.prisma;
  });

  afterAll(async () => {
    await app?.close();
  });

  /** An org with `n` workspace tokens of varied age, use and expiry; returns them as listed. */
  async function orgWithTokens(n: number) {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    const now = Date.now();
    const secrets: string[] = [];
    for (let i = 0; i < n; i++) {
      const { token, secret } = await issueToken(prisma, ctx, {
        kind: "WORKSPACE",
        name: `${i % 3 === 0 ? "Deploy" : "laptop"}_${i}-${uniq()}`,
        description: i % 5 === 0 ? "nightly 100% export" : null,
        permissions: ["projects:read"],
        expiresAt: i % 4 === 0 ? null : new Date(now + ((i % 7) - 1) * 5 * DAY + i * 1_000),
        createdById: admin.id,
      });
      secrets.push(secret);
      await prisma.token.update({
        where: { id: token.id },
        data: {
          createdAt: new Date(now - (40 + (i % 9)) * DAY),
          // Some never used, some used long ago, several with the same count (ties).
          lastUsedAt: i % 3 === 1 ? null : new Date(now - (i % 5) * 12 * DAY),
          usageCount: i % 3 === 1 ? 0 : BigInt((i % 4) * 10),
        },
      });
    }
    const all = (await listTokens(prisma, org.id, "WORKSPACE", { pageSize: 100 })).items;
    return { org, admin, ctx, all, secrets, now };
  }

  const key: Record<TokenSort, (t: TokenView) => number> = {
    created: (t) => Date.parse(t.createdAt),
    last_used: (t) => (t.lastUsedAt ? Date.parse(t.lastUsedAt) : -Infinity),
    usage: (t) => t.usageCount,
    expiry: (t) => (t.expiresAt ? Date.parse(t.expiresAt) : Infinity),
  };
  function expectedOrder(tokens: TokenView[], sort: TokenSort, dir: SortDirection): string[] {
    const sign = dir === "asc" ? 1 : -1;
    return [...tokens].sort((a, b) => sign * (key[sort](a) - key[sort](b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))).map((t) => t.id);
  }

  it("pages every sort in both directions by cursor, forwards and back, in exactly the full order", async () => {
    const { org, all } = await orgWithTokens(23);
    for (const sort of ["created", "last_used", "usage", "expiry"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const label = `${sort} ${dir}`;
        const pages: string[][] = [];
        let after: string | null = null;
        let last: Awaited<ReturnType<typeof listTokens>> | null = null;
        do {
          last = await listTokens(prisma, org.id, "WORKSPACE", { sort, dir, pageSize: 5, after: decodeCursor(after ?? undefined) });
          expect(last.total, label).toBe(23);
          pages.push(last.items.map((t) => t.id));
          if (pages.length > 1) expect(last.prev, label).not.toBeNull();
          after = last.next;
        } while (after && pages.length < 10);
        expect(pages.flat(), label).toEqual(expectedOrder(all, sort, dir));
        expect(pages.map((p) => p.length), label).toEqual([5, 5, 5, 5, 3]);

        // Back from the last page, page by page.
        let before = last.prev;
        for (let i = pages.length - 2; i >= 0; i--) {
          const page = await listTokens(prisma, org.id, "WORKSPACE", { sort, dir, pageSize: 5, before: decodeCursor(before ?? undefined) });
          expect(page.items.map((t) => t.id), `${label} back to page ${i}`).toEqual(pages[i]);
          expect(page.next, label).not.toBeNull();
          before = page.prev;
        }
        expect(before, `${label}: the first page has none before it`).toBeNull();
      }
    }
  });

  it("finds tokens by name or description (case-insensitive, % and _ literal), by prefix, masked token or whole token", async () => {
    const { org, all, secrets } = await orgWithTokens(10);
    const find = async (q: string) => (await listTokens(prisma, org.id, "WORKSPACE", { q, pageSize: 100 })).items.map((t) => t.id).sort();
    expect(await find("deploy")).toEqual(all.filter((t) => t.name.startsWith("Deploy")).map((t) => t.id).sort());
    expect(await find("100%")).toEqual(all.filter((t) => t.description?.includes("100%")).map((t) => t.id).sort());
    expect(await find("y_1")).toEqual(all.filter((t) => t.name.toLowerCase().includes("y_1")).map((t) => t.id).sort());
    expect(await find("%")).toEqual(all.filter((t) => t.description?.includes("%")).map((t) => t.id).sort());

    const target = all.find((t) => t.masked === `${secrets[5].slice(0, 8)}…${secrets[5].slice(-4)}`)!;
    expect(await find(target.masked)).toEqual([target.id]);
    expect(await find(`${secrets[5].slice(0, 8)}...${secrets[5].slice(-4)}`)).toEqual([target.id]);
    expect(await find(secrets[5])).toEqual([target.id]);
    expect(await find(secrets[5].slice(0, 8))).toContain(target.id);
    expect(await find("ksw_")).toHaveLength(10);

    // A token's previous secret during a rotation overlap finds it too.
    const rotated = await regenerateToken(prisma, (await createCtx(org.id)).meta, target.id, 3_600_000);
    expect(rotated.token.masked).not.toBe(target.masked);
    expect(await find(target.masked)).toEqual([target.id]);
  });

  async function createCtx(orgId: string): Promise<{ meta: ChangeMeta }> {
    const m = await prisma.membership.findFirstOrThrow({ where: { orgId, role: "ADMIN" }, include: { user: true } });
    return { meta: { orgId, actor: { type: "user", id: m.user.id, label: m.user.email } } };
  }

  it("filters by hygiene with the very rules the badges use, and by the lifetime policy with the rule that flags tokens", async () => {
    const { org, ctx, all, now } = await orgWithTokens(24);
    await revokeToken(prisma, ctx, all[0].id);
    const policy: TokenPolicy = { maxLifetimeDays: 30, expiryRequired: true };
    await updateTokenPolicy(prisma, ctx, policy);
    const fresh = (await listTokens(prisma, org.id, "WORKSPACE", { pageSize: 100 })).items;
    const filtered = async (filter: HygieneFilter) =>
      (await listTokens(prisma, org.id, "WORKSPACE", { filter, pageSize: 100, policy })).items.map((t) => t.id).sort();
    const where = (pred: (t: TokenView) => boolean) => fresh.filter(pred).map((t) => t.id).sort();
    const badge = (t: TokenView, prefix: string) => hygieneBadges(t, now).some((b) => b.label.startsWith(prefix));

    expect(await filtered("never_used")).toEqual(where((t) => badge(t, "Never used")));
    expect(await filtered("unused_30d")).toEqual(where((t) => badge(t, "Unused for")));
    expect(await filtered("expiring_7d")).toEqual(where((t) => badge(t, "Expires in")));
    expect(await filtered("expiring_30d")).toEqual(where((t) => isLive(t) && t.expiresAt !== null && Date.parse(t.expiresAt) <= now + 30 * DAY));
    expect(await filtered("expired")).toEqual(where((t) => t.status === "EXPIRED"));
    const beyond = where((t) => isLive(t) && beyondPolicy(policy, t));
    expect(await filtered("beyond_policy")).toEqual(beyond);
    expect(beyond.length).toBeGreaterThan(0);
    expect(await countBeyondPolicy(prisma, org.id, policy)).toBe(beyond.length);
    // Every filter found something here, so none of these agreements is vacuous.
    for (const f of ["never_used", "unused_30d", "expiring_7d", "expired"] as const) expect((await filtered(f)).length, f).toBeGreaterThan(0);
  });

  it("refuses a token or a regeneration the policy does not allow, naming it; audits policy changes", async () => {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    const issue = (expiresAt: Date | null) =>
      issueToken(prisma, ctx, { kind: "WORKSPACE", name: `p-${uniq()}`, permissions: ["projects:read"], expiresAt, createdById: admin.id });
    const forever = await issue(null);
    await updateTokenPolicy(prisma, ctx, { maxLifetimeDays: 90, expiryRequired: true });
    const entry = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "org.token_policy_updated" } });
    expect(entry.metadata).toEqual({ from: { maxLifetimeDays: null, expiryRequired: false }, to: { maxLifetimeDays: 90, expiryRequired: true } });
    // Saving the same policy again changes nothing and records nothing.
    await updateTokenPolicy(prisma, ctx, { maxLifetimeDays: 90, expiryRequired: true });
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: "org.token_policy_updated" } })).toBe(1);

    await expect(issue(null)).rejects.toMatchObject({ code: "invalid", field: "expiration", message: expect.stringMatching(/token policy allows a lifetime of at most 90 days/) });
    await expect(issue(new Date(Date.now() + 120 * DAY))).rejects.toMatchObject({ code: "invalid" });
    // "90 days" and a custom date 90 days ahead (valid through that day) are both allowed.
    await issue(new Date(Date.now() + 90 * DAY));
    const lastDay = new Date(Date.now() + 90 * DAY).toISOString().slice(0, 10);
    await issue(new Date(Date.parse(`${lastDay}T00:00:00Z`) + DAY));
    await expect(issue(new Date(Date.parse(`${lastDay}T00:00:00Z`) + 2 * DAY))).rejects.toMatchObject({ code: "invalid" });

    // The token made before the policy keeps working, but cannot be regenerated as it is.
    await expect(regenerateToken(prisma, ctx, forever.token.id)).rejects.toMatchObject({ code: "invalid", message: expect.stringMatching(/token policy/) });
    const renewed = await regenerateToken(prisma, ctx, forever.token.id, 0, new Date(Date.now() + 30 * DAY));
    expect(renewed.token.expiresAt).not.toBeNull();
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: forever.token.id, action: "token.regenerated" } });
    expect(audit.metadata).toMatchObject({ expiresAt: { from: null } });

    // "Require an expiry date" alone: any date, but a date.
    await updateTokenPolicy(prisma, ctx, { maxLifetimeDays: null, expiryRequired: true });
    await issue(new Date(Date.now() + 1_000 * DAY));
    await expect(issue(null)).rejects.toMatchObject({ message: "The organization's token policy requires an expiry date." });
  });
});
