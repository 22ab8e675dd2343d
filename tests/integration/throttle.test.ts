import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  clearFailures,
  FREE_ATTEMPTS,
  FREE_PER_ADDRESS,
  lockDuration,
  recordFailure,
  retryAfterSeconds,
  throttleKeys,
  type ThrottleKey,
} from "@/lib/auth/throttle";

import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("sign-in throttle on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  const keysFor = () => throttleKeys(`user-${uniq()}@example.test`, `198.51.100.${Math.floor(Math.random() * 250)}`);

  async function fail(keys: ThrottleKey[], times: number, now: Date) {
    for (let i = 0; i < times; i++) await recordFailure(db.prisma, keys, now);
  }

  it("lets FREE_ATTEMPTS - 1 failures pass, then locks for a while", async () => {
    const keys = keysFor();
    const now = new Date();

    await fail(keys, FREE_ATTEMPTS - 1, now);
    expect(await retryAfterSeconds(db.prisma, keys, now)).toBe(0);

    await fail(keys, 1, now);
    const wait = await retryAfterSeconds(db.prisma, keys, now);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBe(Math.ceil(lockDuration(FREE_ATTEMPTS) / 1000));
    // The lock runs out on its own.
    expect(await retryAfterSeconds(db.prisma, keys, new Date(now.getTime() + wait * 1000))).toBe(0);
  });

  it("locks each further failure longer", async () => {
    const keys = keysFor();
    const now = new Date();
    await fail(keys, FREE_ATTEMPTS, now);
    const first = await retryAfterSeconds(db.prisma, keys, now);
    await fail(keys, 1, now);
    expect(await retryAfterSeconds(db.prisma, keys, now)).toBeGreaterThan(first);
  });

  it("locks the address too, so a guesser cannot just switch e-mails", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const now = new Date();
    for (let i = 0; i < FREE_PER_ADDRESS; i++) await recordFailure(db.prisma, throttleKeys(`guess-${uniq()}@example.test`, ip), now);

    expect(await retryAfterSeconds(db.prisma, throttleKeys(`other-${uniq()}@example.test`, ip), now)).toBeGreaterThan(0);
  });

  it("clearFailures resets the counter for that key", async () => {
    const [emailKey] = keysFor();
    const now = new Date();
    await fail([emailKey], FREE_ATTEMPTS, now);
    expect(await retryAfterSeconds(db.prisma, [emailKey], now)).toBeGreaterThan(0);

    await clearFailures(db.prisma, [emailKey]);
    expect(await retryAfterSeconds(db.prisma, [emailKey], now)).toBe(0);
    // Counting starts over: the next few failures are free again.
    await fail([emailKey], FREE_ATTEMPTS - 1, now);
    expect(await retryAfterSeconds(db.prisma, [emailKey], now)).toBe(0);
  });

  it("forgets failures older than the window", async () => {
    const [emailKey] = keysFor();
    const start = new Date();
    await fail([emailKey], FREE_ATTEMPTS - 1, start);

    const later = new Date(start.getTime() + 16 * 60_000);
    await fail([emailKey], 1, later);
    expect(await retryAfterSeconds(db.prisma, [emailKey], later)).toBe(0);
  });

  if (name === "postgres") {
    // Several console instances (or one with parallel requests) failing at once.
    async function failConcurrently(key: ThrottleKey, times: number) {
      const now = new Date();
      const results = await Promise.allSettled(Array.from({ length: times }, () => recordFailure(db.prisma, [key], now)));
      return results.filter((r) => r.status === "rejected").map((r) => String(r.reason).split("\n").at(-1));
    }

    it("counts every one of many concurrent failures on a key seen before", async () => {
      const [emailKey] = keysFor();
      await recordFailure(db.prisma, [emailKey]);

      expect(await failConcurrently(emailKey, 8)).toEqual([]);
      expect((await db.prisma.signInThrottle.findUniqueOrThrow({ where: { key: emailKey.key } })).failures).toBe(9);
    });

    it("counts every one of many concurrent failures on a new key", async () => {
      const [emailKey] = keysFor();

      expect(await failConcurrently(emailKey, 8)).toEqual([]);
      expect((await db.prisma.signInThrottle.findUniqueOrThrow({ where: { key: emailKey.key } })).failures).toBe(8);
    });
  }
});
