/**
 * Unknown tokens cost no database read (lib/tokens/known-tokens.ts): the filter
 * is built from the table, learns new tokens from this process at once and from
 * anywhere else through the change feed, and lets a token made elsewhere work
 * in the second before the feed brings it, out of a small allowance.
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { coveredAt, startChangeFeed, stopChangeFeed } from "@/lib/tokens/change-feed";
import { generateToken, hashToken, issueSecret } from "@/lib/tokens/format";
import { mightBeToken, NEWCOMER_LOOKUPS_PER_S, startKnownTokens, stopKnownTokens } from "@/lib/tokens/known-tokens";
import { regenerateToken, revokeToken, type ChangeMeta } from "@/lib/tokens/service";
import { FRESH_MS, verifyToken } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { countingLookups } from "../support/counting-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken, uniq } from "../support/fixtures";


describe.each(testDatabases)("the known-token filter on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });

  afterEach(() => {
    stopKnownTokens();
    stopChangeFeed();
  });

  afterAll(async () => {
    await app?.close();
  });

  async function start() {
    startChangeFeed(getDb);
    const stats = await startKnownTokens(getDb);
    const deadline = Date.now() + 5_000;
    while (coveredAt() === 0 && Date.now() < deadline) await delay(20);
    expect(coveredAt()).toBeGreaterThan(0);
    return stats;
  }

  /** Spends the allowance for filter misses, with unknown tokens (each is one lookup). */
  async function spendNewcomerAllowance(db: PrismaClient) {
    for (let i = 0; i < NEWCOMER_LOOKUPS_PER_S + 5; i++) await verifyToken(db, generateToken("WORKSPACE"));
  }

  /** A token row written straight to the table: as another instance would, with no event in this process. */
  async function insertElsewhere() {
    const issued = issueSecret("WORKSPACE");
    const row = await prisma.token.create({
      data: {
        orgId: org.id,
        kind: "WORKSPACE",
        name: `elsewhere-${uniq()}`,
        hash: issued.hash,
        prefix: issued.prefix,
        last4: issued.last4,
        permissions: ["projects:read"],
        createdById: admin.id,
      },
    });
    return { id: row.id, secret: issued.secret };
  }

  it("holds every token that may authenticate, and not the revoked ones", async () => {
    const live = await issueWorkspaceToken(prisma, { meta, admin });
    const revoked = await issueWorkspaceToken(prisma, { meta, admin });
    await revokeToken(prisma, meta, revoked.token.id);
    const rotated = await issueWorkspaceToken(prisma, { meta, admin });
    const fresh = await regenerateToken(prisma, meta, rotated.token.id, 60 * 60_000);

    const stats = await start();
    expect(stats.tokens).toBe(await prisma.token.count({ where: { status: { not: "REVOKED" } } }) + 1);
    expect(mightBeToken(hashToken(live.secret))).toBe(true);
    expect(mightBeToken(hashToken(fresh.secret))).toBe(true);
    expect(mightBeToken(hashToken(rotated.secret)), "the previous secret, during its overlap").toBe(true);
    expect(mightBeToken(hashToken(revoked.secret))).toBe(false);
  });

  it("refuses unknown tokens without a lookup once the small allowance is spent, and still verifies real ones", async () => {
    const before = await issueWorkspaceToken(prisma, { meta, admin });
    await start();
    const after = await issueWorkspaceToken(prisma, { meta, admin });
    const { db, lookups } = countingLookups(prisma);

    const spending = performance.now();
    await spendNewcomerAllowance(db);
    const spent = lookups();
    // The allowance, plus what it refilled meanwhile (20 a second): not one lookup per stranger.
    expect(spent).toBeLessThanOrEqual(NEWCOMER_LOOKUPS_PER_S + Math.ceil((NEWCOMER_LOOKUPS_PER_S * (performance.now() - spending)) / 1000));

    const since = performance.now();
    for (let i = 0; i < 500; i++) expect(await verifyToken(db, generateToken("WORKSPACE"))).toBeNull();
    // 500 more strangers: only what the allowance refilled meanwhile (20 a second) was looked up.
    const seconds = (performance.now() - since) / 1000;
    expect(lookups() - spent).toBeLessThanOrEqual(Math.ceil(NEWCOMER_LOOKUPS_PER_S * seconds) + 1);
    expect(lookups() - spent).toBeLessThan(100);

    expect((await verifyToken(db, before.secret))?.tokenId).toBe(before.token.id);
    expect((await verifyToken(db, after.secret))?.tokenId, "issued here after the build: added at once").toBe(after.token.id);
  });

  it("lets a token made elsewhere work at once, and knows it through the feed within 1 s", async () => {
    await start();
    const { db } = countingLookups(prisma);

    // Within the allowance: looked up although the filter has not heard of it yet.
    const first = await insertElsewhere();
    expect(mightBeToken(hashToken(first.secret))).toBe(false);
    expect((await verifyToken(db, first.secret))?.tokenId).toBe(first.id);

    // With the allowance spent, the feed is what makes it known.
    const second = await insertElsewhere();
    const since = performance.now();
    let known = Infinity;
    while (performance.now() - since < 3 * FRESH_MS) {
      if (mightBeToken(hashToken(second.secret))) {
        known = performance.now() - since;
        break;
      }
      await delay(20);
    }
    expect(known).toBeLessThan(FRESH_MS);
    await spendNewcomerAllowance(db);
    expect((await verifyToken(db, second.secret))?.tokenId).toBe(second.id);
  });

  it("rebuilds from the table after a bulk load the feed reports as one change", async () => {
    await start();
    const rows = Array.from({ length: 1_001 }, () => issueSecret("WORKSPACE"));
    await prisma.token.createMany({
      data: rows.map((r, i) => ({
        orgId: org.id,
        kind: "WORKSPACE" as const,
        name: `bulk-${i}-${uniq()}`,
        hash: r.hash,
        prefix: r.prefix,
        last4: r.last4,
        permissions: ["projects:read"],
        createdById: admin.id,
      })),
    });
    expect(await prisma.tokenChange.count({ where: { hash: { in: rows.map((r) => r.hash) } } }), "one change for the load, not one per token").toBe(0);

    const since = performance.now();
    while (!rows.every((r) => mightBeToken(r.hash)) && performance.now() - since < 5_000) await delay(50);
    expect(rows.every((r) => mightBeToken(r.hash))).toBe(true);
  });

  it("counts every token as maybe until it is built, so nothing real is refused", async () => {
    const t = await issueWorkspaceToken(prisma, { meta, admin });
    const { db, lookups } = countingLookups(prisma);
    expect(mightBeToken(hashToken(generateToken("WORKSPACE")))).toBe(true);
    expect((await verifyToken(db, t.secret))?.tokenId).toBe(t.token.id);
    expect(lookups()).toBe(1);
  });
});
