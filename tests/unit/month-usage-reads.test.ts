import { describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { GATHER_MS, monthOf, monthUsage, REFRESH_MS, settleMonthReads } from "@/lib/gateways/budget";

/** A stand-in database answering the month's totals; counts the reads that reached it. */
function countingDb(tokens: number) {
  const reads: string[][] = [];
  const fake = {
    $queryRaw: async (_strings: TemplateStringsArray, ...values: unknown[]) => {
      const ids = values[0] as string[];
      reads.push(ids);
      return ids.map((tokenId) => ({ tokenId, tokens: BigInt(tokens) }));
    },
  } as unknown as PrismaClient;
  return { getDb: async () => fake, reads };
}

describe("monthOf", () => {
  it("names the UTC month at and around its boundaries, in any order of asking", () => {
    const newYear = Date.UTC(2031, 0, 1);
    const cases: Array<[number, string]> = [
      [newYear - 1, "2030-12"],
      [newYear, "2031-01"],
      [newYear - 1, "2030-12"],
      [Date.UTC(2031, 1, 28, 23, 59, 59, 999), "2031-02"],
      [Date.UTC(2031, 2, 1), "2031-03"],
      [Date.UTC(2028, 1, 29, 12), "2028-02"],
      [newYear + 1, "2031-01"],
    ];
    for (const [ms, month] of cases) expect(monthOf(ms), new Date(ms).toISOString()).toBe(month);
  });
});

describe("monthly usage reads", () => {
  it("reads a token once, then re-reads in the background; settleMonthReads runs a gathered read at once and waits for it", async () => {
    const db = countingDb(7);
    const now = Date.now();
    expect(await monthUsage(db.getDb, "tok-1", now)).toBe(7);
    expect(await monthUsage(db.getDb, "tok-1", now + 1)).toBe(7);
    expect(db.reads).toHaveLength(1); // cached within REFRESH_MS

    // Due for a re-read (reads stamp the real clock, so well past it): answered from
    // what is known, the read gathered for GATHER_MS.
    expect(await monthUsage(db.getDb, "tok-1", now + REFRESH_MS + 1_000)).toBe(7);
    expect(db.reads).toHaveLength(1);

    const started = Date.now();
    await settleMonthReads();
    expect(db.reads).toHaveLength(2);
    expect(db.reads[1]).toEqual(["tok-1"]);
    expect(Date.now() - started).toBeLessThan(GATHER_MS);
  });

  it("settles at once when nothing is being read", async () => {
    const started = Date.now();
    await settleMonthReads();
    expect(Date.now() - started).toBeLessThan(50);
  });
});
