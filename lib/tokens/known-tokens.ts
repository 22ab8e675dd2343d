/**
 * Unknown tokens cost no database read (docs/contract.md §7). Every instance
 * keeps a Bloom filter of the hashes of the tokens that may authenticate (not
 * revoked; the previous secret during an overlap), built at start with one
 * query and kept current through token change events: a token made here is
 * added at once, one made elsewhere within a second, through the change feed
 * (its triggers mark new hashes "added"; a bulk load makes every instance rebuild). A well-formed token whose hash is not
 * in the filter is refused with no lookup (past a small allowance that covers
 * that second, admitNewcomer below); one that is (a real token, or a false
 * positive one time in a thousand) is looked up as before.
 *
 * Until the filter is built, or while it is rebuilt, every token counts as
 * "maybe". The filter only grows: revoked tokens stay in it (costing a lookup
 * that finds them revoked) until it is rebuilt, hourly or when it fills up.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { singleton } from "@/lib/singleton";
import { BloomFilter } from "./bloom";
import { onTokenAdded } from "./events";

export const FALSE_POSITIVE_RATE = 0.001;
/** Room to grow before a rebuild: twice the tokens found at the last build. */
const HEADROOM = 2;
const REBUILD_EVERY_MS = 60 * 60_000;

type State = {
  filter: BloomFilter | null;
  capacity: number;
  builtAt: number;
  /** Hashes seen while a build runs, added to the new filter when it is ready. */
  pending: string[] | null;
  getDb?: () => Promise<PrismaClient>;
};

const state = singleton<State>("known-tokens", () => {
  const s: State = { filter: null, capacity: 0, builtAt: 0, pending: null };
  onTokenAdded((hash) => {
    if (!hash) return void rebuild(true);
    s.pending?.push(hash);
    s.filter?.add(hash);
    if (s.filter && s.filter.count > s.capacity) void rebuild();
  });
  return s;
});

/**
 * A token made on another instance reaches this filter through the change feed,
 * within a second. So that it works at once everywhere, a miss may still be looked
 * up, out of a small allowance per process (NEWCOMER_LOOKUPS_PER_S, as a token
 * bucket of one second's worth): a flood of unknown tokens spends it in its first
 * instant and then costs no reads at all, whatever the number of addresses.
 */
export const NEWCOMER_LOOKUPS_PER_S = Number(process.env.KEYSMITH_NEWCOMER_LOOKUPS_PER_S ?? 20);
const newcomers = singleton("known-tokens.newcomers", () => ({ tokens: NEWCOMER_LOOKUPS_PER_S, at: 0 }));

/** Takes one lookup from the allowance for filter misses; false when it is spent. */
export function admitNewcomer(nowMs = Date.now()): boolean {
  const b = newcomers;
  b.tokens = Math.min(NEWCOMER_LOOKUPS_PER_S, b.tokens + ((nowMs - b.at) / 1000) * NEWCOMER_LOOKUPS_PER_S);
  b.at = nowMs;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

/** False only when `hash` is certainly not a token that may authenticate. */
export function mightBeToken(hash: string): boolean {
  if (state.filter && state.getDb && Date.now() - state.builtAt > REBUILD_EVERY_MS) void rebuild();
  return state.filter ? state.filter.has(hash) : true;
}

export interface FilterStats {
  tokens: number;
  bytes: number;
  ms: number;
}

/** Builds the filter from the database (one query), then keeps it current. Returns what it holds. */
export async function startKnownTokens(getDb: () => Promise<PrismaClient>): Promise<FilterStats> {
  state.getDb = getDb;
  return rebuild();
}

/** For tests: forget the filter (every token is "maybe" again). */
export function stopKnownTokens(): void {
  Object.assign(state, { filter: null, capacity: 0, builtAt: 0, pending: null, getDb: undefined });
  Object.assign(newcomers, { tokens: NEWCOMER_LOOKUPS_PER_S, at: 0 });
}

let running: Promise<FilterStats> | null = null;
let again = false;

/** `fresh`: the table changed after a running build read it, so build once more when it ends. */
function rebuild(fresh = false): Promise<FilterStats> {
  if (running) {
    if (fresh) again = true;
    return running;
  }
  running = build()
    .catch((error: unknown) => {
      // Keep what we had (or "maybe" for everything); try again in half a minute.
      console.error("known-token filter: build failed:", error instanceof Error ? error.message : error);
      state.builtAt = Date.now() - REBUILD_EVERY_MS + 30_000;
      return { tokens: state.filter?.count ?? 0, bytes: state.filter?.bytes ?? 0, ms: 0 };
    })
    .finally(() => {
      running = null;
      if (again) {
        again = false;
        void rebuild();
      }
    });
  return running;
}

async function build(): Promise<FilterStats> {
  const started = performance.now();
  const getDb = state.getDb;
  if (!getDb) return { tokens: 0, bytes: 0, ms: 0 };
  state.pending = [];
  try {
    const db = await getDb();
    // One row: every 16-hex-digit hash prefix run together (16 MB at 1 M tokens, no per-row objects).
    const [row] = await db.$queryRaw<Array<{ prefixes: string | null; n: number }>>`
      SELECT string_agg(substr(h, 1, 16), '') AS prefixes, count(*)::int AS n FROM (
        SELECT hash AS h FROM "Token" WHERE status <> 'REVOKED'
        UNION ALL
        SELECT "previousHash" FROM "Token" WHERE "previousHash" IS NOT NULL AND status <> 'REVOKED'
      ) t`;
    const n = Number(row?.n ?? 0);
    const capacity = Math.max(100_000, n * HEADROOM);
    const filter = new BloomFilter(capacity, FALSE_POSITIVE_RATE);
    const prefixes = row?.prefixes ?? "";
    for (let i = 0; i < prefixes.length; i += 16) filter.add(prefixes.slice(i, i + 16));
    for (const hash of state.pending ?? []) filter.add(hash);
    Object.assign(state, { filter, capacity, builtAt: Date.now() });
    return { tokens: n, bytes: filter.bytes, ms: performance.now() - started };
  } finally {
    state.pending = null;
  }
}
