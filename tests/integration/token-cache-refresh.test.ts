/**
 * No synchronized expiry (lib/tokens/verify.ts): a token in steady use is
 * renewed in the background before its entry falls due, so no call waits for a
 * lookup, and entries made together fall due spread over a fifth of their life.
 * The clock is moved minutes ahead (Date only; timers and the feed's polls run for real).
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { coveredAt, startChangeFeed, stopChangeFeed } from "@/lib/tokens/change-feed";
import { generateToken } from "@/lib/tokens/format";
import type { ChangeMeta } from "@/lib/tokens/service";
import { CACHE_MS, verifyToken } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { countingLookups } from "../support/counting-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken } from "../support/fixtures";


describe.each(testDatabases)("verification cache refresh on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, admin, meta } = await openAppDbWithOrg(name));
  });

  afterEach(() => {
    vi.useRealTimers();
    stopChangeFeed();
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Moves the clock and waits until the change feed has polled at the new time (entries stay trusted). */
  async function at(ms: number) {
    vi.setSystemTime(ms);
    const deadline = performance.now() + 5_000;
    while (coveredAt() < ms && performance.now() < deadline) await delay(20);
    expect(coveredAt()).toBeGreaterThanOrEqual(ms);
  }

  it("renews a token in use in the background, so it never waits for a lookup when its entry would have expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    startChangeFeed(getDb);
    const t = await issueWorkspaceToken(prisma, { meta, admin });
    const t0 = Date.now();
    await at(t0 + 100); // past the feed's report of the new token, which drops whatever was cached for it
    const { db, lookups } = countingLookups(prisma);

    expect((await verifyToken(db, t.secret))?.tokenId).toBe(t.token.id);
    expect(lookups()).toBe(1);

    // Three quarters into the shortest life: answered from the cache, renewed behind the answer.
    await at(t0 + 100 + 0.76 * CACHE_MS);
    expect((await verifyToken(db, t.secret))?.tokenId).toBe(t.token.id);
    expect(lookups()).toBe(2);
    await delay(200);

    // Past the longest first life: the renewed entry answers; no lookup, in front or behind.
    await at(t0 + 100 + 1.05 * CACHE_MS);
    expect((await verifyToken(db, t.secret))?.tokenId).toBe(t.token.id);
    expect(lookups()).toBe(2);
  });

  it("lets entries made together fall due at different times", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    startChangeFeed(getDb);
    const t0 = Date.now();
    await at(t0);
    const { db, lookups } = countingLookups(prisma);
    // Strangers' tokens: each is looked up once and remembered as unknown (and never renewed).
    const strangers = Array.from({ length: 200 }, () => generateToken("WORKSPACE"));
    for (const s of strangers) await verifyToken(db, s);
    expect(lookups()).toBe(200);

    // At 90 % of the nominal life, lives spread over 80–100 % have about half fallen due.
    await at(t0 + 0.9 * CACHE_MS);
    for (const s of strangers) await verifyToken(db, s);
    const due = lookups() - 200;
    expect(due).toBeGreaterThan(40);
    expect(due).toBeLessThan(160);
  });
});
