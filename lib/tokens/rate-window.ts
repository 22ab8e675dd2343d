/**
 * A token's rate limit (docs/contract.md §7): a fixed one-minute window per
 * token (UTC minutes), counted in this process, so the hot path makes no write.
 */
import "server-only";
import { singleton } from "@/lib/singleton";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current minute's window resets. */
  resetSeconds: number;
}

type Window = { minute: number; count: number };
const windows = singleton("rate-windows", () => new Map<string, Window>());

/**
 * A fixed one-minute window per token (UTC minutes), counted in this process:
 * exact on one instance; with N instances behind a balancer a token can make
 * at most N × limit calls in a minute (documented bound).
 */
export function takeRate(tokenId: string, limit: number, nowMs = Date.now()): RateDecision {
  return rateWindow(tokenId, limit, nowMs, true);
}

/** The window as it stands, without using it up: for responses refused before the limit applies. */
export function peekRate(tokenId: string, limit: number, nowMs = Date.now()): RateDecision {
  return rateWindow(tokenId, limit, nowMs, false);
}

function rateWindow(tokenId: string, limit: number, nowMs: number, take: boolean): RateDecision {
  const minute = Math.floor(nowMs / 60_000);
  let w = windows.get(tokenId);
  if (!w || w.minute !== minute) {
    w = { minute, count: 0 };
    windows.set(tokenId, w);
    if (windows.size > 100_000) {
      for (const [id, old] of windows) if (old.minute !== minute) windows.delete(id);
    }
  }
  const resetSeconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000));
  if (w.count >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
  if (take) w.count++;
  return { allowed: true, limit, remaining: limit - w.count, resetSeconds };
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(d.limit),
    "x-ratelimit-remaining": String(d.remaining),
    "x-ratelimit-reset": String(d.resetSeconds),
  };
}
