/**
 * Unknown-token floods. The checksum is public, so well-formed tokens that do
 * not exist are free to make, and each one misses the cache and costs a
 * database lookup: 2,000 of them at 64 connections cut valid-token throughput
 * to a tenth. So each client address gets a budget of lookups that find
 * nothing: a token bucket of BURST, refilled at RATE per second. Past it, a
 * token that misses the cache is refused (429) without a lookup; cached tokens
 * (every valid token in use) are unaffected. Behind a proxy, set
 * KEYSMITH_TRUSTED_PROXY_HOPS, or every client shares the proxy's budget.
 */
import "server-only";
import { singleton } from "@/lib/singleton";
export const RATE_PER_S = Number(process.env.KEYSMITH_UNKNOWN_TOKEN_RATE ?? 10);
/** Above any client's concurrency: a lookup's unit comes back when it finds a token, so only unknown ones use it up. */
export const BURST = Number(process.env.KEYSMITH_UNKNOWN_TOKEN_BURST ?? 256);
const MAX_ADDRESSES = 100_000;

type Bucket = { tokens: number; at: number };
const buckets = singleton("unknown-token-buckets", () => new Map<string, Bucket>());

function level(address: string, nowMs: number): Bucket {
  const b = buckets.get(address);
  if (!b) return { tokens: BURST, at: nowMs };
  b.tokens = Math.min(BURST, b.tokens + ((nowMs - b.at) / 1000) * RATE_PER_S);
  b.at = nowMs;
  return b;
}

/**
 * Takes one lookup from the address's budget: 0 when granted, else the seconds
 * until one is available again (nothing is taken then).
 */
export function admitLookup(address: string | null, nowMs = Date.now()): number {
  const id = address ?? "unknown";
  const b = level(id, nowMs);
  if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / RATE_PER_S));
  b.tokens -= 1;
  keep(id, b, nowMs);
  return 0;
}

/** The lookup found a token: it costs the address nothing. */
export function refundLookup(address: string | null): void {
  const b = buckets.get(address ?? "unknown");
  if (b) b.tokens = Math.min(BURST, b.tokens + 1);
}

function keep(id: string, b: Bucket, nowMs: number): void {
  if (!buckets.has(id)) {
    if (buckets.size >= MAX_ADDRESSES) {
      // Full buckets carry no state worth keeping.
      for (const a of buckets.keys()) if (level(a, nowMs).tokens >= BURST) buckets.delete(a);
      if (buckets.size >= MAX_ADDRESSES) buckets.clear();
    }
    buckets.set(id, b);
  }
}
