/**
 * Times what every authenticated API call does before its handler runs:
 * verifyToken + countCall, 1,000 sequential calls after a warm-up, on a fresh
 * PGlite directory and, when a server URL is given, a fresh PostgreSQL database.
 *
 *   npx tsx scripts/measure-verify.ts [postgres://user:pass@host:5432/postgres]
 *
 * The URL may also come from MEASURE_DATABASE_URL or TEST_DATABASE_URL; its user
 * must be allowed to CREATE DATABASE (the database is dropped afterwards).
 *
 * Two rows per database:
 *   hot  — one token called 1,000 times (what a busy client does; verifyToken may
 *          answer from its short-lived cache);
 *   cold — 1,000 different tokens, one call each (every verification reads the
 *          database).
 * countCall only tallies in memory; the batched write (flushUsage) is timed
 * separately, and the stored counts are checked to be exact.
 *
 * Each database is measured in its own child process: the verification cache
 * and the usage tally are per process.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";

import type { DatabaseTarget } from "@/lib/db/connection";
import { createDriver } from "@/lib/db/driver";
import { migrate } from "@/lib/db/migrate";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { issueSecret } from "@/lib/tokens/format";
import { countCall, flushUsage } from "@/lib/tokens/usage";
import { verifyToken } from "@/lib/tokens/verify";

const CALLS = 1000;
const WARMUP = 50;
const IP = "203.0.113.9";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  return `median ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, mean ${ms(mean)}, max ${ms(sorted[sorted.length - 1])}`;
}

async function timeFlush(): Promise<number> {
  const started = performance.now();
  await flushUsage();
  return performance.now() - started;
}

async function measure(label: string, target: DatabaseTarget) {
  const driver = await createDriver(target);
  const prisma = new PrismaClient({ adapter: driver.adapter });
  try {
    const session = await driver.session();
    try {
      await migrate(session);
    } finally {
      await session.close();
    }
    const suffix = randomBytes(4).toString("hex");
    const user = await prisma.user.create({ data: { email: `measure-${suffix}@example.test`, name: "Measure", passwordHash: "x" } });
    const org = await prisma.organization.create({
      data: { name: "Measure", slug: `measure-${suffix}`, memberships: { create: { userId: user.id, role: "DEVELOPER" } } },
    });
    const newToken = async (name: string) => {
      const { secret, hash, prefix, last4 } = issueSecret("WORKSPACE");
      const row = await prisma.token.create({
        data: { orgId: org.id, kind: "WORKSPACE", name, hash, prefix, last4, permissions: ["projects:read"], createdById: user.id },
      });
      return { id: row.id, secret };
    };
    const getDb = async () => prisma;
    const call = async (secret: string) => {
      const started = performance.now();
      const principal = await verifyToken(prisma, secret);
      if (!principal) throw new Error("the token did not verify");
      countCall(getDb, principal.tokenId, 200, IP);
      return performance.now() - started;
    };

    // hot: one token, over and over.
    const hot = await newToken("hot");
    for (let i = 0; i < WARMUP; i++) await call(hot.secret);
    const hotTimes: number[] = [];
    for (let i = 0; i < CALLS; i++) hotTimes.push(await call(hot.secret));
    const hotFlush = await timeFlush();

    // cold: a different token each call.
    const cold = await Promise.all(Array.from({ length: CALLS }, (_, i) => newToken(`cold-${i}`)));
    const coldTimes: number[] = [];
    for (const t of cold) coldTimes.push(await call(t.secret));
    const coldFlush = await timeFlush();

    const hotCount = Number((await prisma.token.findUniqueOrThrow({ where: { id: hot.id } })).usageCount);
    if (hotCount !== WARMUP + CALLS) throw new Error(`hot usageCount is ${hotCount}, expected ${WARMUP + CALLS}`);
    const coldCounts = await prisma.token.findMany({ where: { id: { in: cold.map((t) => t.id) } }, select: { usageCount: true } });
    if (coldCounts.some((r) => Number(r.usageCount) !== 1)) throw new Error("a cold token's usageCount is not 1");

    console.log(`${label.padEnd(10)} hot  ${CALLS} calls: ${summary(hotTimes)}; flush of 1 token ${hotFlush.toFixed(1)} ms`);
    console.log(`${label.padEnd(10)} cold ${CALLS} calls: ${summary(coldTimes)}; flush of ${CALLS} tokens ${coldFlush.toFixed(1)} ms`);
  } finally {
    await prisma.$disconnect();
    await driver.close();
  }
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function measurePglite() {
  const dataDir = path.join(os.tmpdir(), `keysmith-measure-${randomBytes(6).toString("hex")}`);
  try {
    await measure("PGlite", { kind: "pglite", dataDir });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measurePostgres(serverUrl: string) {
  const name = `keysmith_measure_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await measure("PostgreSQL", { kind: "postgres", url: url.toString() });
  } finally {
    await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** Runs this script again for one database, in a fresh process. */
function child(args: string[]): boolean {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [...process.execArgv, script, ...args], { stdio: "inherit" });
  return result.status === 0;
}

async function main() {
  const [first, second] = process.argv.slice(2);
  if (first === "--only-pglite") return measurePglite();
  if (first === "--only-postgres" && second) return measurePostgres(second);

  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`);
  let ok = child(["--only-pglite"]);
  const serverUrl = first ?? process.env.MEASURE_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (serverUrl) ok = child(["--only-postgres", serverUrl]) && ok;
  else console.log("PostgreSQL skipped: pass a server URL (or set MEASURE_DATABASE_URL / TEST_DATABASE_URL).");
  if (!ok) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
