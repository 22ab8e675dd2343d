/**
 * Usage counting on the hot path: each successful call adds to an in-memory
 * tally (no database write per call), flushed every FLUSH_MS with additive
 * updates (`usageCount = usageCount + n`, never read-modify-write), so counts
 * stay exact under any concurrency and across instances. A clean shutdown
 * flushes first (scripts/serve.ts runs the shutdown hooks on SIGTERM); a hard
 * kill loses at most the last interval's tally.
 *
 * Gateway calls also add the model tokens they used (input + output) to the
 * same per-day buckets, which is what monthly budgets are read from
 * (lib/gateways/budget.ts): it sees the unwritten part through
 * `unwrittenModelTokens` and the written part through `onWritten`. Their
 * per-call history rows (GatewayCall) ride along in the same transaction, so the
 * history and the buckets never disagree and a call costs no write of its own.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { onShutdown } from "@/lib/shutdown";
import { singleton } from "@/lib/singleton";
import { utcDay } from "@/lib/time";

export const FLUSH_MS = Number(process.env.KEYSMITH_USAGE_FLUSH_MS ?? 500);
const CHUNK = 1_000;

interface Day {
  calls: number;
  modelTokens: number;
}

/** One gateway call's history row (GatewayCall), as recorded when the call ended. */
export interface GatewayCallRecord {
  orgId: string;
  gatewayId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  streamed: boolean;
  /** Epoch ms. */
  at: number;
}

export interface Tally {
  count: number;
  /** Latest call (epoch ms) and its address; null when only a gateway call's record was added. */
  at: number | null;
  ip: string | null;
  /** Per UTC day ("YYYY-MM-DD"). */
  days: Map<string, Day>;
  calls: GatewayCallRecord[];
}

type Written = (batch: ReadonlyArray<readonly [string, Tally]>) => void;

type State = {
  pending: Map<string, Tally>;
  /** Taken by the flush being written, until its transaction commits (or fails and goes back). */
  writing: Map<string, Tally>;
  timer?: ReturnType<typeof setInterval>;
  /** The flush or exclusive job running now: they run one at a time. */
  busy?: Promise<unknown>;
  db?: () => Promise<PrismaClient>;
  listeners: Set<Written>;
};
const state = singleton<State>("usage", () => ({ pending: new Map(), writing: new Map(), listeners: new Set() }));


function add(into: Map<string, Tally>, tokenId: string, t: Tally) {
  const cur = into.get(tokenId);
  if (!cur) {
    into.set(tokenId, t);
    return;
  }
  cur.count += t.count;
  if (t.at !== null && (cur.at === null || t.at >= cur.at)) {
    cur.at = t.at;
    cur.ip = t.ip;
  }
  for (const c of t.calls) cur.calls.push(c);
  for (const [day, d] of t.days) {
    const had = cur.days.get(day);
    if (had) {
      had.calls += d.calls;
      had.modelTokens += d.modelTokens;
    } else cur.days.set(day, { ...d });
  }
}

function start(getDb: () => Promise<PrismaClient>) {
  state.db ??= getDb;
  if (!state.timer) {
    state.timer = setInterval(() => void flushUsage(), FLUSH_MS);
    state.timer.unref();
    onShutdown("usage", () => flushUsage());
  }
}

/** Counts one successful call. Cheap: a map update; the database sees it at the next flush. */
export function recordUsage(getDb: () => Promise<PrismaClient>, tokenId: string, ip: string | null, at = Date.now()): void {
  start(getDb);
  add(state.pending, tokenId, { count: 1, at, ip, days: new Map([[utcDay(at), { calls: 1, modelTokens: 0 }]]), calls: [] });
}

/**
 * Records a finished gateway call: its history row, and its input+output tokens
 * in its day's bucket (the call itself is counted by recordUsage).
 */
export function recordGatewayCall(getDb: () => Promise<PrismaClient>, tokenId: string, call: GatewayCallRecord): void {
  start(getDb);
  const modelTokens = call.inputTokens + call.outputTokens;
  add(state.pending, tokenId, { count: 0, at: null, ip: null, days: new Map([[utcDay(call.at), { calls: 0, modelTokens }]]), calls: [call] });
}

/** Model tokens this process has counted for a token on days starting with `prefix` ("YYYY-MM") but not yet committed. */
export function unwrittenModelTokens(tokenId: string, prefix: string): number {
  let n = 0;
  for (const from of [state.pending, state.writing]) {
    const t = from.get(tokenId);
    if (t) for (const [day, d] of t.days) if (day.startsWith(prefix)) n += d.modelTokens;
  }
  return n;
}

/** Called with each batch right after its transaction commits (synchronously, before anything else runs). */
export function onWritten(listener: Written): void {
  state.listeners.add(listener);
}

/**
 * Runs `job` while no flush is being written, holding flushes off until it ends:
 * a read made inside sees every committed flush, and nothing half-written.
 */
export async function exclusiveOfFlush<T>(job: () => Promise<T>): Promise<T> {
  while (state.busy) await state.busy.catch(() => {});
  const run = job();
  state.busy = run;
  try {
    return await run;
  } finally {
    if (state.busy === run) state.busy = undefined;
  }
}

function utcTimestamp(ms: number): string {
  // Prisma keeps DateTime as UTC in `timestamp(3)` (without time zone).
  return new Date(ms).toISOString().replace("Z", "");
}

/**
 * One transaction per batch, each statement with one array parameter per column
 * (unnest), not one parameter per value: building and sending a flush of
 * thousands of calls costs the event loop next to nothing, and stays far below
 * PostgreSQL's parameter limit however large the batch.
 */
async function write(db: PrismaClient, batch: Array<[string, Tally]>) {
  const counted = batch.filter(([, t]) => t.count > 0);
  const days = batch.flatMap(([id, t]) => [...t.days].map(([day, d]) => ({ id, day, ...d })));
  const calls = batch.flatMap(([id, t]) => t.calls.map((c) => ({ id, ...c })));
  const statements = [];
  if (counted.length > 0) {
    statements.push(db.$executeRaw`
      UPDATE "Token" AS t SET
        "usageCount" = t."usageCount" + v.n,
        "lastUsedIp" = CASE WHEN t."lastUsedAt" IS NULL OR v.at >= t."lastUsedAt" THEN v.ip ELSE t."lastUsedIp" END,
        "lastUsedAt" = GREATEST(t."lastUsedAt", v.at)
      FROM unnest(
        ${counted.map(([id]) => id)}::text[], ${counted.map(([, t]) => t.count)}::bigint[],
        ${counted.map(([, t]) => utcTimestamp(t.at ?? 0))}::timestamp(3)[], ${counted.map(([, t]) => t.ip)}::text[]
      ) AS v(id, n, at, ip)
      WHERE t.id = v.id`);
  }
  statements.push(db.$executeRaw`
      INSERT INTO "TokenUsageDay" ("tokenId", day, count, "modelTokens")
      SELECT v.id, v.day, v.n, v.m
        FROM unnest(${days.map((d) => d.id)}::text[], ${days.map((d) => d.day)}::date[], ${days.map((d) => d.calls)}::bigint[], ${days.map((d) => d.modelTokens)}::bigint[])
             AS v(id, day, n, m)
        JOIN "Token" t ON t.id = v.id
      ON CONFLICT ("tokenId", day) DO UPDATE SET
        count = "TokenUsageDay".count + EXCLUDED.count,
        "modelTokens" = "TokenUsageDay"."modelTokens" + EXCLUDED."modelTokens"`);
  if (calls.length > 0) {
    // Ids are UUIDs (Prisma's cuid default is applied by the client, not the table). A token or
    // gateway deleted since the call leaves the row without it (the foreign keys' SET NULL).
    statements.push(db.$executeRaw`
      INSERT INTO "GatewayCall" (id, "orgId", "gatewayId", "tokenId", model, "inputTokens", "outputTokens", streamed, "createdAt")
      SELECT v.id, v.org, g.id, t.id, v.model, v.i, v.o, v.s, v.at
        FROM unnest(
          ${calls.map(() => randomUUID())}::text[], ${calls.map((c) => c.orgId)}::text[], ${calls.map((c) => c.gatewayId)}::text[],
          ${calls.map((c) => c.id)}::text[], ${calls.map((c) => c.model)}::text[], ${calls.map((c) => c.inputTokens)}::int[],
          ${calls.map((c) => c.outputTokens)}::int[], ${calls.map((c) => c.streamed)}::boolean[], ${calls.map((c) => utcTimestamp(c.at))}::timestamp(3)[]
        ) AS v(id, org, gw, tok, model, i, o, s, at)
        LEFT JOIN "Gateway" g ON g.id = v.gw
        LEFT JOIN "Token" t ON t.id = v.tok`);
  }
  await db.$transaction(statements);
}

/** Writes the tally so far. On failure the counts go back into the tally for the next try: none are lost. */
export async function flushUsage(): Promise<void> {
  // Wait out every flush in flight (another caller may start one while we wait), so
  // that when this resolves, everything recorded before the call has been written.
  while (state.busy) await state.busy.catch(() => {});
  if (state.pending.size === 0 || !state.db) return;
  const taken = state.pending;
  state.pending = new Map();
  state.writing = taken;
  await exclusiveOfFlush(async () => {
    const db = await state.db!();
    const entries = [...taken];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      try {
        await write(db, chunk);
      } catch (error) {
        for (const [id, t] of entries.slice(i)) add(state.pending, id, t);
        state.writing = new Map();
        console.error("usage flush failed; will retry:", error instanceof Error ? error.message : error);
        return;
      }
      for (const [id] of chunk) taken.delete(id);
      for (const listener of state.listeners) listener(chunk);
    }
    state.writing = new Map();
  });
}
