/**
 * Usage counting on the hot path: each successful call adds to an in-memory
 * tally (no database write per call), flushed every FLUSH_MS with additive
 * updates (`usageCount = usageCount + n`, never read-modify-write), so counts
 * stay exact under any concurrency and across instances. A clean shutdown
 * flushes first (scripts/serve.ts runs the shutdown hooks on SIGTERM); a hard
 * kill loses at most the last interval's tally.
 */
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { onShutdown } from "@/lib/shutdown";

export const FLUSH_MS = Number(process.env.KEYSMITH_USAGE_FLUSH_MS ?? 500);
const CHUNK = 1_000;

interface Tally {
  count: number;
  /** Latest call (epoch ms) and its address. */
  at: number;
  ip: string | null;
  /** Calls per UTC day ("YYYY-MM-DD"). */
  days: Map<string, number>;
}

type State = { pending: Map<string, Tally>; timer?: ReturnType<typeof setInterval>; flushing?: Promise<void>; db?: () => Promise<PrismaClient> };
const key = Symbol.for("keysmith.usage");
const g = globalThis as typeof globalThis & { [key]?: State };
const state: State = (g[key] ??= { pending: new Map() });

function add(into: Map<string, Tally>, tokenId: string, t: Tally) {
  const cur = into.get(tokenId);
  if (!cur) {
    into.set(tokenId, t);
    return;
  }
  cur.count += t.count;
  if (t.at >= cur.at) {
    cur.at = t.at;
    cur.ip = t.ip;
  }
  for (const [day, n] of t.days) cur.days.set(day, (cur.days.get(day) ?? 0) + n);
}

/** Counts one successful call. Cheap: a map update; the database sees it at the next flush. */
export function recordUsage(getDb: () => Promise<PrismaClient>, tokenId: string, ip: string | null, at = Date.now()): void {
  state.db ??= getDb;
  add(state.pending, tokenId, { count: 1, at, ip, days: new Map([[new Date(at).toISOString().slice(0, 10), 1]]) });
  if (!state.timer) {
    state.timer = setInterval(() => void flushUsage(), FLUSH_MS);
    state.timer.unref();
    onShutdown("usage", () => flushUsage());
  }
}

function utcTimestamp(ms: number): string {
  // Prisma keeps DateTime as UTC in `timestamp(3)` (without time zone).
  return new Date(ms).toISOString().replace("Z", "");
}

async function write(db: PrismaClient, batch: Array<[string, Tally]>) {
  const tokens = batch.map(([id, t]) => Prisma.sql`(${id}, ${t.count}::bigint, ${utcTimestamp(t.at)}::timestamp(3), ${t.ip})`);
  const days = batch.flatMap(([id, t]) => [...t.days].map(([day, n]) => Prisma.sql`(${id}, ${day}::date, ${n}::bigint)`));
  await db.$transaction([
    db.$executeRaw`
      UPDATE "Token" AS t SET
        "usageCount" = t."usageCount" + v.n,
        "lastUsedIp" = CASE WHEN t."lastUsedAt" IS NULL OR v.at >= t."lastUsedAt" THEN v.ip ELSE t."lastUsedIp" END,
        "lastUsedAt" = GREATEST(t."lastUsedAt", v.at)
      FROM (VALUES ${Prisma.join(tokens)}) AS v(id, n, at, ip)
      WHERE t.id = v.id`,
    db.$executeRaw`
      INSERT INTO "TokenUsageDay" ("tokenId", day, count)
      SELECT v.id, v.day, v.n FROM (VALUES ${Prisma.join(days)}) AS v(id, day, n) JOIN "Token" t ON t.id = v.id
      ON CONFLICT ("tokenId", day) DO UPDATE SET count = "TokenUsageDay".count + EXCLUDED.count`,
  ]);
}

/** Writes the tally so far. On failure the counts go back into the tally for the next try: none are lost. */
export async function flushUsage(): Promise<void> {
  // Wait out every flush in flight (another caller may start one while we wait), so
  // that when this resolves, everything recorded before the call has been written.
  while (state.flushing) await state.flushing;
  if (state.pending.size === 0 || !state.db) return;
  const taken = state.pending;
  state.pending = new Map();
  const run = async () => {
    const db = await state.db!();
    const entries = [...taken];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      try {
        await write(db, chunk);
      } catch (error) {
        for (const [id, t] of entries.slice(i)) add(state.pending, id, t);
        console.error("usage flush failed; will retry:", error instanceof Error ? error.message : error);
        return;
      }
    }
  };
  state.flushing = run().finally(() => {
    state.flushing = undefined;
  });
  await state.flushing;
}
