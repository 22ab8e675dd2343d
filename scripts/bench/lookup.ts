/**
 * The cache-miss cost in isolation: verifyToken with its cache turned off,
 * called sequentially from the bench process on the seeded database (before
 * the server starts, so PGlite is free). Same code path as the server's
 * lookups (lib/tokens/verify.ts), same Prisma client and driver adapter.
 */
import { performance } from "node:perf_hooks";

import { createDriver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";

import type { BenchDatabase, HotTokens } from "./database";

export interface LookupTiming {
  calls: number;
  p50: number;
  p99: number;
  mean: number;
  /** Sequential lookups per second (one at a time). */
  perSecond: number;
}

export async function timeLookups(database: BenchDatabase, tokens: HotTokens, calls = 2_000): Promise<LookupTiming> {
  // verify.ts reads its cache lifetime once, when first loaded: 0 turns the cache off in this process only.
  // (Restored at once: the server started later inherits this environment and must keep its cache.)
  const saved = process.env.KEYSMITH_VERIFY_CACHE_MS;
  process.env.KEYSMITH_VERIFY_CACHE_MS = "0";
  let verifyToken: (typeof import("@/lib/tokens/verify"))["verifyToken"];
  try {
    ({ verifyToken } = await import("@/lib/tokens/verify"));
  } finally {
    if (saved === undefined) delete process.env.KEYSMITH_VERIFY_CACHE_MS;
    else process.env.KEYSMITH_VERIFY_CACHE_MS = saved;
  }
  const driver = await createDriver(database.target);
  const prisma = new PrismaClient({ adapter: driver.adapter });
  try {
    const pick = () => tokens.workspace[Math.floor(Math.random() * tokens.workspace.length)];
    for (let i = 0; i < 200; i++) if (!(await verifyToken(prisma, pick()))) throw new Error("a hot token did not verify");
    const times = new Float64Array(calls);
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await verifyToken(prisma, pick());
      times[i] = performance.now() - t0;
    }
    const elapsed = performance.now() - started;
    times.sort();
    const at = (p: number) => times[Math.min(calls - 1, Math.ceil((p / 100) * calls) - 1)];
    return { calls, p50: at(50), p99: at(99), mean: elapsed / calls, perSecond: (1000 * calls) / elapsed };
  } finally {
    await prisma.$disconnect();
    await driver.close();
  }
}
