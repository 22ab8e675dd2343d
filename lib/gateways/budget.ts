import type { PrismaClient } from "@/lib/generated/prisma/client";
import { monthStart } from "@/lib/tokens/rules";

/**
 * A gateway token's input+output tokens this UTC month. Read from GatewayCall
 * at most once a second per token per process, plus what this process counted
 * since; several concurrent calls admitted at the budget's edge can overshoot
 * it by what they use (documented).
 */
type Entry = { month: number; used: number; until: number };
const key = Symbol.for("keysmith.month-usage");
const g = globalThis as typeof globalThis & { [key]?: Map<string, Entry> };
const cache: Map<string, Entry> = (g[key] ??= new Map());

export async function monthUsage(db: PrismaClient, tokenId: string, nowMs = Date.now()): Promise<number> {
  const start = monthStart(nowMs);
  const hit = cache.get(tokenId);
  if (hit && hit.month === start.getTime() && hit.until > nowMs) return hit.used;
  const agg = await db.gatewayCall.aggregate({
    where: { tokenId, createdAt: { gte: start } },
    _sum: { inputTokens: true, outputTokens: true },
  });
  const used = (agg._sum.inputTokens ?? 0) + (agg._sum.outputTokens ?? 0);
  cache.set(tokenId, { month: start.getTime(), used, until: nowMs + 1_000 });
  return used;
}

export function addMonthUsage(tokenId: string, tokens: number, nowMs = Date.now()): void {
  const hit = cache.get(tokenId);
  if (hit && hit.month === monthStart(nowMs).getTime()) hit.used += tokens;
}

/** This month's use for many tokens at once (the console's lists). */
export async function monthUsageByToken(db: Pick<PrismaClient, "gatewayCall">, tokenIds: string[], nowMs = Date.now()): Promise<Map<string, number>> {
  if (tokenIds.length === 0) return new Map();
  const rows = await db.gatewayCall.groupBy({
    by: ["tokenId"],
    where: { tokenId: { in: tokenIds }, createdAt: { gte: monthStart(nowMs) } },
    _sum: { inputTokens: true, outputTokens: true },
  });
  return new Map(rows.map((r) => [r.tokenId ?? "", (r._sum.inputTokens ?? 0) + (r._sum.outputTokens ?? 0)]));
}
