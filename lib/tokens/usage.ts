/**
 * Usage on the hot path: each call of a known token adds to an in-memory tally
 * (no database write per call), flushed every FLUSH_MS in one transaction of
 * additive upserts (`count = count + n`, never read-modify-write), so every
 * figure stays exact under any concurrency and across instances. A clean
 * shutdown flushes first (scripts/serve.ts runs the shutdown hooks on SIGTERM);
 * a hard kill loses at most the last interval's tally.
 *
 * What a flush writes, each figure in one place:
 * - the token's lifetime count of successful calls and its last use ("Token");
 * - calls per UTC hour and day by outcome: succeeded, denied (403), limited (429),
 *   failed (any other error) ("TokenUsageBucket");
 * - gateway calls' input and output tokens per hour, day and model
 *   ("TokenModelBucket"); monthly budgets sum the day rows (lib/gateways/budget.ts),
 *   seeing the unwritten part through `unwrittenModelTokens` and the written part
 *   through `onWritten`;
 * - the request log ("TokenRequest"): each call, as long as its token stays within
 *   its log allowance: LOG_SUCCESS_RATE entries a second for successes and
 *   LOG_RATE for refusals and errors, in bursts of LOG_BURST (a token bucket per
 *   token and instance). A token calling now and then is logged in full; a busy
 *   one is sampled (its exact totals are in the buckets), and each entry says how
 *   many calls before it were left out. Successes are sampled ten times thinner
 *   than refusals: the log keeps 200 entries per token, so a busy token's
 *   successes written faster are mostly deleted again (at 2 a second, 1,000 busy
 *   tokens had PostgreSQL insert, and a minute later prune, 2,000 rows a second).
 *   Pruned per token and by age by lib/usage/retention.ts.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { onShutdown } from "@/lib/shutdown";
import { singleton } from "@/lib/singleton";

export const FLUSH_MS = Number(process.env.KEYSMITH_USAGE_FLUSH_MS ?? 500);
const CHUNK = 1_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function positive(name: string, fallback: number): number {
  const configured = Number(process.env[name]);
  return Number.isFinite(configured) && configured > 0 ? configured : fallback;
}
/** Request-log entries a token gets per second and instance for refusals and errors… */
export const LOG_RATE = positive("KEYSMITH_REQUEST_LOG_RATE", 2);
/** …and for successes: one every 5 s once its burst is spent. */
export const LOG_SUCCESS_RATE = positive("KEYSMITH_REQUEST_LOG_SUCCESS_RATE", 0.2);
/** How many entries a token that was quiet may log at once. */
export const LOG_BURST = Math.max(1, positive("KEYSMITH_REQUEST_LOG_BURST", 10));

/** Outcome columns, in the order a bucket's counters are kept. */
export const OUTCOMES = ["succeeded", "denied", "limited", "failed"] as const;
export type Outcome = (typeof OUTCOMES)[number];
const SUCCEEDED = 0;

/** 2xx succeeded; 403 denied (scope, IP, models); 429 limited (rate limit, budget); anything else failed. */
export function outcomeIndex(status: number): number {
  if (status >= 200 && status < 300) return SUCCEEDED;
  if (status === 403) return 1;
  if (status === 429) return 2;
  return 3;
}

/** One call as the request log keeps it. Made by the token frame when the token is known, filled in as the call goes. */
export interface LoggedCall {
  tokenId: string;
  /** Epoch ms when the call arrived. */
  at: number;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  ip: string | null;
  userAgent: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Logged later, by whoever learns its last figures (a relayed stream's end). */
  deferred?: boolean;
  /** Set when logged: calls of the token since its previous entry that the log left out. */
  omitted?: number;
}

interface ModelCounts {
  hour: number;
  model: string;
  calls: number;
  input: number;
  output: number;
}

export interface Tally {
  /** Successful calls (the token's lifetime count), and the latest one's time (epoch ms) and address. */
  count: number;
  at: number | null;
  ip: string | null;
  /** Per UTC hour (its first epoch ms): [succeeded, denied, limited, failed]. */
  hours: Map<number, number[]>;
  /** Per hour and model (`${hour}|${model}`). */
  models: Map<string, ModelCounts>;
  /** Request-log entries, oldest first. */
  log: LoggedCall[];
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

/** A token's log allowance on this instance: entries left for successes and for the rest, and calls left out since its last entry. */
type Allowance = { ok: number; other: number; at: number; skipped: number };
const allowances = singleton("request-log-allowance", () => new Map<string, Allowance>());

function allowanceOf(tokenId: string, nowMs: number): Allowance {
  let a = allowances.get(tokenId);
  if (!a) {
    // One entry per active token; a flood of distinct tokens only resets everyone to a full burst.
    if (allowances.size >= 100_000) allowances.clear();
    allowances.set(tokenId, (a = { ok: LOG_BURST, other: LOG_BURST, at: nowMs, skipped: 0 }));
  } else if (nowMs > a.at) {
    const seconds = (nowMs - a.at) / 1000;
    a.ok = Math.min(LOG_BURST, a.ok + seconds * LOG_SUCCESS_RATE);
    a.other = Math.min(LOG_BURST, a.other + seconds * LOG_RATE);
    a.at = nowMs;
  }
  return a;
}

function emptyTally(): Tally {
  return { count: 0, at: null, ip: null, hours: new Map(), models: new Map(), log: [] };
}

function tallyOf(tokenId: string): Tally {
  let t = state.pending.get(tokenId);
  if (!t) state.pending.set(tokenId, (t = emptyTally()));
  return t;
}

function start(getDb: () => Promise<PrismaClient>) {
  state.db ??= getDb;
  if (!state.timer) {
    state.timer = setInterval(() => void flushUsage(), FLUSH_MS);
    state.timer.unref();
    onShutdown("usage", () => flushUsage());
  }
}

/**
 * Counts one call of a known token by its outcome (a success also in the token's
 * count and last use). Cheap: a map lookup and an increment; the database sees it
 * at the next flush.
 */
export function countCall(getDb: () => Promise<PrismaClient>, tokenId: string, status: number, ip: string | null, at = Date.now()): void {
  start(getDb);
  const t = tallyOf(tokenId);
  const hour = at - (at % HOUR_MS);
  let counts = t.hours.get(hour);
  if (!counts) t.hours.set(hour, (counts = [0, 0, 0, 0]));
  const outcome = outcomeIndex(status);
  counts[outcome]++;
  if (outcome === SUCCEEDED) {
    t.count++;
    if (t.at === null || at >= t.at) {
      t.at = at;
      t.ip = ip;
    }
  }
}

/**
 * Adds a finished call to its token's request log (the next flush writes it), if
 * the token's allowance has room; otherwise counts it as left out, which the next
 * entry will say. Successes and the rest have separate allowances, so a flood of
 * successes never crowds out the refusals an admin is looking for.
 */
export function logCall(getDb: () => Promise<PrismaClient>, entry: LoggedCall, nowMs = Date.now()): void {
  start(getDb);
  const a = allowanceOf(entry.tokenId, nowMs);
  const success = outcomeIndex(entry.status) === SUCCEEDED;
  if ((success ? a.ok : a.other) < 1) {
    a.skipped++;
    return;
  }
  if (success) a.ok--;
  else a.other--;
  entry.omitted = a.skipped;
  a.skipped = 0;
  tallyOf(entry.tokenId).log.push(entry);
}

/** A gateway call's model tokens, in its hour's bucket for the model (the call itself is counted by countCall). */
export function countModelTokens(
  getDb: () => Promise<PrismaClient>,
  tokenId: string,
  model: string,
  inputTokens: number,
  outputTokens: number,
  at = Date.now(),
): void {
  start(getDb);
  const t = tallyOf(tokenId);
  const hour = at - (at % HOUR_MS);
  const key = `${hour}|${model}`;
  const m = t.models.get(key);
  if (m) {
    m.calls++;
    m.input += inputTokens;
    m.output += outputTokens;
  } else t.models.set(key, { hour, model, calls: 1, input: inputTokens, output: outputTokens });
}

/** Puts a tally that could not be written back into `into`, adding to what arrived meanwhile. */
function merge(into: Map<string, Tally>, tokenId: string, t: Tally) {
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
  for (const [hour, counts] of t.hours) {
    const had = cur.hours.get(hour);
    if (had) for (let i = 0; i < counts.length; i++) had[i] += counts[i];
    else cur.hours.set(hour, counts);
  }
  for (const [key, m] of t.models) {
    const had = cur.models.get(key);
    if (had) {
      had.calls += m.calls;
      had.input += m.input;
      had.output += m.output;
    } else cur.models.set(key, m);
  }
  cur.log = [...t.log, ...cur.log];
}

/** Model tokens this process has counted for a token in [fromMs, toMs) but not yet committed. */
export function unwrittenModelTokens(tokenId: string, fromMs: number, toMs: number): number {
  let n = 0;
  for (const from of [state.pending, state.writing]) {
    const t = from.get(tokenId);
    if (t) for (const m of t.models.values()) if (m.hour >= fromMs && m.hour < toMs) n += m.input + m.output;
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
 * One transaction per batch, each statement with its rows as one JSON parameter
 * (json_to_recordset), not one parameter per value: building and sending a flush
 * of thousands of calls costs the event loop next to nothing, and stays far below
 * PostgreSQL's parameter limit however large the batch. (One array parameter per
 * column, unnest, did the same with three times the CPU in Node and a third more
 * in PostgreSQL: 1,000 log rows took 4.5–6.6 ms of Node CPU against 1.8 ms as JSON.)
 * Rows are locked in key order, so two instances flushing the same tokens cannot
 * deadlock. A token deleted since its calls is skipped (the joins on "Token").
 */
export async function writeUsage(db: PrismaClient, batch: Array<[string, Tally]>): Promise<void> {
  const sorted = [...batch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const counted: Array<{ id: string; n: number; at: string; ip: string | null }> = [];
  const buckets: Array<{ id: string; span: "HOUR" | "DAY"; start: string; s: number; d: number; l: number; f: number }> = [];
  const models: Array<{ id: string; span: "HOUR" | "DAY"; start: string; model: string; calls: number; i: number; o: number }> = [];
  const log: Array<Record<string, unknown>> = [];
  for (const [id, t] of sorted) {
    if (t.count > 0) counted.push({ id, n: t.count, at: utcTimestamp(t.at ?? 0), ip: t.ip });
    const days = new Map<number, number[]>();
    for (const [hour, c] of t.hours) {
      buckets.push({ id, span: "HOUR", start: utcTimestamp(hour), s: c[0], d: c[1], l: c[2], f: c[3] });
      const day = hour - (hour % DAY_MS);
      const had = days.get(day);
      if (had) for (let i = 0; i < c.length; i++) had[i] += c[i];
      else days.set(day, [...c]);
    }
    for (const [day, c] of days) buckets.push({ id, span: "DAY", start: utcTimestamp(day), s: c[0], d: c[1], l: c[2], f: c[3] });
    const modelDays = new Map<string, ModelCounts>();
    for (const m of t.models.values()) {
      models.push({ id, span: "HOUR", start: utcTimestamp(m.hour), model: m.model, calls: m.calls, i: m.input, o: m.output });
      const day = m.hour - (m.hour % DAY_MS);
      const key = `${day}|${m.model}`;
      const had = modelDays.get(key);
      if (had) {
        had.calls += m.calls;
        had.input += m.input;
        had.output += m.output;
      } else modelDays.set(key, { ...m, hour: day });
    }
    for (const m of modelDays.values()) models.push({ id, span: "DAY", start: utcTimestamp(m.hour), model: m.model, calls: m.calls, i: m.input, o: m.output });
    for (const e of t.log) {
      log.push({
        id,
        at: utcTimestamp(e.at),
        method: e.method,
        route: e.route,
        status: e.status,
        latency: Math.round(e.latencyMs * 100) / 100,
        ip: e.ip,
        ua: e.userAgent,
        model: e.model,
        i: e.inputTokens,
        o: e.outputTokens,
        omitted: e.omitted ?? 0,
      });
    }
  }
  const statements = [];
  if (counted.length > 0) {
    const rows = JSON.stringify(counted);
    // Row locks in id order first: an UPDATE's join may visit rows in any order, and two
    // instances taking the same rows in different orders would deadlock.
    statements.push(db.$executeRaw`
      SELECT 1 FROM "Token" WHERE id IN (SELECT v.id FROM json_to_recordset(${rows}::json) AS v(id text)) ORDER BY id FOR NO KEY UPDATE`);
    statements.push(db.$executeRaw`
      UPDATE "Token" AS t SET
        "usageCount" = t."usageCount" + v.n,
        "lastUsedIp" = CASE WHEN t."lastUsedAt" IS NULL OR v.at >= t."lastUsedAt" THEN v.ip ELSE t."lastUsedIp" END,
        "lastUsedAt" = GREATEST(t."lastUsedAt", v.at)
      FROM json_to_recordset(${rows}::json) AS v(id text, n bigint, at timestamp(3), ip text)
      WHERE t.id = v.id`);
  }
  if (buckets.length > 0) {
    statements.push(db.$executeRaw`
      INSERT INTO "TokenUsageBucket" ("tokenId", span, start, "orgId", kind, succeeded, denied, limited, failed)
      SELECT v.id, v.span::"UsageSpan", v.start, t."orgId", t.kind, v.s, v.d, v.l, v.f
        FROM json_to_recordset(${JSON.stringify(buckets)}::json) AS v(id text, span text, start timestamp(3), s bigint, d bigint, l bigint, f bigint)
        JOIN "Token" t ON t.id = v.id
       ORDER BY v.id, v.span, v.start
      ON CONFLICT ("tokenId", span, start) DO UPDATE SET
        succeeded = "TokenUsageBucket".succeeded + EXCLUDED.succeeded,
        denied = "TokenUsageBucket".denied + EXCLUDED.denied,
        limited = "TokenUsageBucket".limited + EXCLUDED.limited,
        failed = "TokenUsageBucket".failed + EXCLUDED.failed`);
  }
  if (models.length > 0) {
    statements.push(db.$executeRaw`
      INSERT INTO "TokenModelBucket" ("tokenId", span, start, model, calls, "inputTokens", "outputTokens")
      SELECT v.id, v.span::"UsageSpan", v.start, v.model, v.calls, v.i, v.o
        FROM json_to_recordset(${JSON.stringify(models)}::json) AS v(id text, span text, start timestamp(3), model text, calls bigint, i bigint, o bigint)
        JOIN "Token" t ON t.id = v.id
       ORDER BY v.id, v.span, v.start, v.model
      ON CONFLICT ("tokenId", span, start, model) DO UPDATE SET
        calls = "TokenModelBucket".calls + EXCLUDED.calls,
        "inputTokens" = "TokenModelBucket"."inputTokens" + EXCLUDED."inputTokens",
        "outputTokens" = "TokenModelBucket"."outputTokens" + EXCLUDED."outputTokens"`);
  }
  if (log.length > 0) {
    statements.push(db.$executeRaw`
      INSERT INTO "TokenRequest" ("tokenId", at, method, route, status, "latencyMs", ip, "userAgent", model, "inputTokens", "outputTokens", omitted)
      SELECT v.* FROM json_to_recordset(${JSON.stringify(log)}::json)
          AS v(id text, at timestamp(3), method text, route text, status int, latency float8, ip text, ua text, model text, i int, o int, omitted int)
       WHERE EXISTS (SELECT 1 FROM "Token" t WHERE t.id = v.id)
       ORDER BY v.at`);
  }
  if (statements.length > 0) await db.$transaction(statements);
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
        await writeUsage(db, chunk);
      } catch (error) {
        for (const [id, t] of entries.slice(i)) merge(state.pending, id, t);
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
