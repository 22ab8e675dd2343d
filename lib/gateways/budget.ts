/**
 * Monthly budgets of gateway tokens, checked on every call without a query per
 * call. A token's use this UTC month is
 *
 *   what the database held at this process's last read
 *   + what this process has written since (onWritten, when each flush commits)
 *   + what this process has counted but not yet written (the usage tally),
 *
 * which is exact for one instance. The first check of a token waits for one
 * read; after that a check at least REFRESH_MS after the last read asks for a
 * re-read in the background, gathered for GATHER_MS with every other token due
 * into one query, so use by other instances shows up within about FLUSH_MS +
 * REFRESH_MS + GATHER_MS (3 s), at no more than two queries a second. Two things can
 * overshoot a budget: calls admitted together at its edge (a call's size is
 * known only when it ends), and other instances' use in that window.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { exclusiveOfFlush, onWritten, unwrittenModelTokens } from "@/lib/tokens/usage";
import { monthStart, nextMonthStart, utcDay } from "@/lib/time";
import { singleton } from "@/lib/singleton";

export const REFRESH_MS = Number(process.env.KEYSMITH_BUDGET_REFRESH_MS ?? 2_000);
/** How long background re-reads wait to gather more tokens into one query. */
export const GATHER_MS = 500;

type GetDb = () => Promise<PrismaClient>;
/** `base`: the month's model tokens in the database for `month` ("YYYY-MM"), as this process knows it. */
type Known = { month: string; base: number; readAt: number };
type Batch = { ids: Set<string>; done: Promise<void>; start: () => void };
type State = { known: Map<string, Known>; next: Batch | null; reading: Set<Promise<void>> };

const state = singleton<State>("month-usage", () => {
  const fresh: State = { known: new Map(), next: null, reading: new Set() };
  onWritten((batch) => {
    for (const [id, tally] of batch) {
      const k = fresh.known.get(id);
      if (!k) continue;
      const [from, to] = monthBounds(k.month);
      for (const m of tally.models.values()) if (m.hour >= from && m.hour < to) k.base += m.input + m.output;
    }
  });
  return fresh;
});

/** "YYYY-MM" of a UTC time; remembers the current month's bounds (it runs on every gateway call). */
const current = { from: 0, to: 0, name: "" };
export function monthOf(ms: number): string {
  if (ms < current.from || ms >= current.to) {
    const d = new Date(ms);
    current.from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    current.to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    current.name = utcDay(ms).slice(0, 7);
  }
  return current.name;
}

/** [first ms, next month's first ms) of a month named "YYYY-MM". */
function monthBounds(month: string): [number, number] {
  const from = Date.parse(`${month}-01T00:00:00Z`);
  return [from, nextMonthStart(from).getTime()];
}

/** Input+output tokens a gateway token has used this UTC month. */
export async function monthUsage(getDb: GetDb, tokenId: string, nowMs = Date.now()): Promise<number> {
  const month = monthOf(nowMs);
  const { from, to } = current; // before any await: another call may move it to another month
  const k = state.known.get(tokenId);
  if (!k || k.month !== month) await read(getDb, tokenId, true);
  else if (nowMs - k.readAt >= REFRESH_MS) {
    k.readAt = nowMs; // one re-read per token per interval, however many calls ask
    read(getDb, tokenId, false).catch((error: unknown) =>
      console.error("could not re-read monthly token use:", error instanceof Error ? error.message : error),
    );
  }
  return (state.known.get(tokenId)?.base ?? 0) + unwrittenModelTokens(tokenId, from, to);
}

/** Joins the next batched read of the database, starting it at once if `urgent`. */
function read(getDb: GetDb, tokenId: string, urgent: boolean): Promise<void> {
  const batch = (state.next ??= newBatch(getDb));
  batch.ids.add(tokenId);
  if (urgent) batch.start();
  return batch.done;
}

function newBatch(getDb: GetDb): Batch {
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const timer = setTimeout(begin, GATHER_MS);
  timer.unref?.();
  const batch: Batch = {
    ids: new Set(),
    start() {
      clearTimeout(timer);
      begin();
    },
    done: begun.then(() => {
      state.next = null; // later callers gather into a new batch
      return exclusiveOfFlush(() => readInto(getDb, [...batch.ids]));
    }),
  };
  batch.done.catch(() => {}); // every caller handles the copy it was given
  state.reading.add(batch.done);
  void batch.done.finally(() => state.reading.delete(batch.done)).catch(() => {});
  return batch;
}

/**
 * Starts any gathered re-read now and waits for every read in flight, so that
 * none reaches for the database after its client is closed (a background
 * re-read would otherwise open a new one half a second later).
 */
export async function settleMonthReads(): Promise<void> {
  state.next?.start();
  await Promise.allSettled([...state.reading]);
}

/** Reads the month's totals of `ids` from the day buckets; runs with no flush half-written. */
async function readInto(getDb: GetDb, ids: string[], nowMs = Date.now()): Promise<void> {
  const month = monthOf(nowMs);
  const totals = await monthUsageByToken(await getDb(), ids, nowMs);
  for (const id of ids) state.known.set(id, { month, base: totals.get(id) ?? 0, readAt: nowMs });
}

/** This month's use for many tokens at once, as written so far (the console's lists, and the reads above). */
export async function monthUsageByToken(db: Pick<PrismaClient, "$queryRaw">, tokenIds: string[], nowMs = Date.now()): Promise<Map<string, number>> {
  if (tokenIds.length === 0) return new Map();
  // Raw SQL with one array parameter: the same text whatever the number of tokens.
  const rows = await db.$queryRaw<Array<{ tokenId: string; tokens: bigint | number }>>`
    SELECT "tokenId", SUM("inputTokens" + "outputTokens") AS tokens FROM "TokenModelBucket"
     WHERE "tokenId" = ANY(${tokenIds}::text[]) AND span = 'DAY' AND start >= ${utcDay(monthStart(nowMs).getTime())}::timestamp(3)
     GROUP BY "tokenId"`;
  return new Map(rows.map((r) => [r.tokenId, Number(r.tokens)]));
}
