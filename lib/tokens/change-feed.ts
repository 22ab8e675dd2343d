/**
 * How a change made anywhere reaches this process's verification cache.
 *
 * Database triggers add a "TokenChange" row in the same transaction as any change
 * to what a token may do (prisma/migrations/…_token_change_feed). This process
 * polls the table every POLL_MS and drops the cached entries each new row names:
 * a token hash (and the tokens that token minted), or every token of an org;
 * a new secret ("added") also goes to the known-token filter. `coveredAt()` is when the last
 * successful poll began: every change committed before then has been applied
 * here, which is what lets lib/tokens/verify.ts keep entries for minutes and
 * still honour a revocation everywhere within a second. When polls fail the
 * cache falls back to one-second entries by itself (coveredAt stops moving).
 *
 * Rows can commit out of order (ids and clocks are taken before commit), so
 * each poll re-reads LOOKBACK_MS back and skips the ids it has already applied.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { orgChanged, tokenAdded, tokenChanged } from "./events";
import { singleton } from "@/lib/singleton";

export const POLL_MS = Number(process.env.KEYSMITH_CHANGE_POLL_MS ?? 250);
const LOOKBACK_MS = 10_000;
const PRUNE_EVERY_MS = 5 * 60_000;
const KEEP = "1 hour";

type Row = { id: string; hash: string | null; tokenId: string | null; orgId: string | null; added: boolean };
type State = {
  getDb?: () => Promise<PrismaClient>;
  timer?: ReturnType<typeof setTimeout>;
  /** Local epoch ms when the last successful poll started; 0 = not running. */
  coveredAt: number;
  /** The database's clock (UTC, ms) at the last poll: the next one reads from LOOKBACK_MS before it. */
  dbNow?: number;
  /** Ids already applied, with the database time they were seen (forgotten after the lookback). */
  applied: Map<string, number>;
  failing: boolean;
  prunedAt: number;
};
const state = singleton<State>("change-feed", () => ({ coveredAt: 0, applied: new Map(), failing: false, prunedAt: 0 }));

/** Every change committed before this local time (epoch ms) has reached the cache; 0 when the feed is not running. */
export function coveredAt(): number {
  return state.getDb ? state.coveredAt : 0;
}

/** Starts polling (once per process; later calls only switch the database). */
export function startChangeFeed(getDb: () => Promise<PrismaClient>): void {
  state.getDb = getDb;
  if (!state.timer) schedule(0);
}

export function stopChangeFeed(): void {
  clearTimeout(state.timer);
  Object.assign(state, { getDb: undefined, timer: undefined, coveredAt: 0, dbNow: undefined, failing: false });
  state.applied.clear();
}

function schedule(delayMs: number) {
  state.timer = setTimeout(() => void pollOnce().finally(() => state.getDb && schedule(POLL_MS)), delayMs);
  state.timer.unref?.();
}

/** One poll: applies new rows, then advances coveredAt. */
async function pollOnce(): Promise<void> {
  const getDb = state.getDb;
  if (!getDb) return;
  const startedAt = Date.now();
  try {
    const db = await getDb();
    // Times stay in the database's clock, as epoch milliseconds (no time zone on the way).
    // The first poll reads the lookback window back from the database's own clock.
    const since = state.dbNow === undefined ? null : state.dbNow - LOOKBACK_MS;
    const [result] = await db.$queryRaw<Array<{ now: number | string; rows: Row[] }>>`
      WITH clock AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now)
      SELECT (EXTRACT(EPOCH FROM clock.now) * 1000)::float8 AS now,
             COALESCE((SELECT json_agg(json_build_object('id', c.id::text, 'hash', c.hash, 'tokenId', c."tokenId", 'orgId', c."orgId", 'added', c.added AND (c.hash IS NULL OR EXISTS (SELECT 1 FROM "Token" t WHERE t.hash = c.hash AND t.status <> 'REVOKED'))))
                         FROM "TokenChange" c
                        WHERE c."createdAt" > COALESCE(to_timestamp(${since}::float8 / 1000) AT TIME ZONE 'UTC', clock.now - ${LOOKBACK_MS / 1000} * interval '1 second')),
                      '[]'::json) AS rows
        FROM clock`;
    const dbNow = Number(result.now);
    for (const row of result.rows) {
      if (state.applied.has(row.id)) continue;
      state.applied.set(row.id, dbNow);
      tokenChanged(row);
      if (row.orgId) orgChanged(row.orgId);
      if (row.added) tokenAdded(row.hash);
    }
    for (const [id, seenAt] of state.applied) if (seenAt < dbNow - 2 * LOOKBACK_MS) state.applied.delete(id);
    state.dbNow = dbNow;
    state.coveredAt = startedAt;
    if (state.failing) console.error("token change feed: polling again");
    state.failing = false;
    if (startedAt - state.prunedAt > PRUNE_EVERY_MS) {
      state.prunedAt = startedAt;
      await db.$executeRawUnsafe(`DELETE FROM "TokenChange" WHERE "createdAt" < (clock_timestamp() AT TIME ZONE 'UTC') - interval '${KEEP}'`);
    }
  } catch (error) {
    if (!state.failing) {
      console.error("token change feed: poll failed; cached tokens now live at most 1 s until it recovers:", error instanceof Error ? error.message : error);
    }
    state.failing = true;
  }
}
