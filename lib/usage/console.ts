/**
 * Usage as the console shows it: a token's charts and request log (the details
 * panel), the org overview (requests by kind, busiest tokens, refusal rates,
 * tokens needing attention) and a gateway's use against its tokens' budgets.
 * Every read is limited to what the viewing member may see (organization tokens:
 * admins only).
 */
import "server-only";
import type { OrgContext } from "@/lib/auth/session";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { monthUsageByToken } from "@/lib/gateways/budget";
import { maskToken } from "@/lib/tokens/format";
import { UNUSED_DAYS } from "@/lib/tokens/hygiene";
import { KINDS } from "@/lib/tokens/kinds";
import { beyondPolicySql } from "@/lib/tokens/list";
import { canSeeKind } from "@/lib/tokens/policy";
import { tokenPolicyOf } from "@/lib/tokens/service";
import { monthStart, nextMonthStart } from "@/lib/time";
import { requestLogPage, type RequestLogPage } from "./request-log";
import { gatewayModelSeries, orgUsageByKind, tokenUsageSeries, topTokens, usageRange, type Granularity, type KindPoint, type ModelPoint, type ModelTotals, type TopToken, type UsagePoint } from "./series";

const DAY_MS = 86_400_000;
const ALL_KINDS: TokenKind[] = ["WORKSPACE", "GATEWAY", "ORGANIZATION"];

type Viewer = Pick<OrgContext, "role" | "org">;

function visibleKinds(ctx: Viewer): TokenKind[] {
  return ALL_KINDS.filter((k) => canSeeKind(ctx, k));
}

async function visibleToken(db: PrismaClient, ctx: Viewer, tokenId: string) {
  const token = await db.token.findFirst({
    where: { id: tokenId, orgId: ctx.org.id },
    select: { id: true, kind: true, monthlyTokenBudget: true },
  });
  return token && canSeeKind(ctx, token.kind) ? token : null;
}

export interface TokenUsage {
  granularity: Granularity;
  from: string;
  to: string;
  points: UsagePoint[];
  models: ModelPoint[];
  /** Gateway tokens with a budget: this month's use, day by day, against it. */
  budget: { limit: number; used: number; monthStart: string; monthEnd: string } | null;
}

/** One token's chart data (null: not a token the viewer may see). */
export async function consoleTokenUsage(db: PrismaClient, ctx: Viewer, tokenId: string, granularity: Granularity): Promise<TokenUsage | null> {
  const token = await visibleToken(db, ctx, tokenId);
  if (!token) return null;
  const range = usageRange(granularity);
  const series = await tokenUsageSeries(db, token.id, range);
  let budget: TokenUsage["budget"] = null;
  if (token.kind === "GATEWAY" && token.monthlyTokenBudget !== null) {
    const used = (await monthUsageByToken(db, [token.id])).get(token.id) ?? 0;
    budget = { limit: token.monthlyTokenBudget, used, monthStart: monthStart().toISOString(), monthEnd: nextMonthStart().toISOString() };
  }
  return { granularity, from: range.from.toISOString(), to: range.to.toISOString(), ...series, budget };
}

export async function consoleRequestLog(db: PrismaClient, ctx: Viewer, tokenId: string, older?: string): Promise<RequestLogPage | null> {
  const token = await visibleToken(db, ctx, tokenId);
  return token ? requestLogPage(db, token.id, older) : null;
}

// --- The org overview ----------------------------------------------------------------

export type AttentionReason = "expiring" | "beyond_policy" | "unused" | "never_used";

export interface AttentionToken {
  id: string;
  name: string;
  kind: TokenKind;
  masked: string;
  reason: AttentionReason;
  /** The console page that lists it (under /o/{org}/), opening its details. */
  href: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface Overview {
  granularity: Granularity;
  from: string;
  to: string;
  kinds: TokenKind[];
  series: KindPoint[];
  top: TopToken[];
  attention: { counts: Record<AttentionReason, number>; tokens: AttentionToken[] };
  activeTokens: number;
}

/** Tokens needing attention: expiring within 7 days, beyond the lifetime policy, unused for 30 days, never used a week after creation. */
async function attention(db: PrismaClient, ctx: Viewer, kinds: TokenKind[], nowMs: number): Promise<Overview["attention"]> {
  const policy = await tokenPolicyOf(db, ctx.org.id);
  const now = new Date(nowMs).toISOString().replace("Z", "");
  const reasons: Record<AttentionReason, Prisma.Sql> = {
    expiring: Prisma.sql`t."expiresAt" <= ${now}::timestamp(3) + interval '7 days'`,
    beyond_policy: beyondPolicySql(policy),
    unused: Prisma.sql`t."lastUsedAt" <= ${now}::timestamp(3) - ${UNUSED_DAYS} * interval '1 day'`,
    never_used: Prisma.sql`t."lastUsedAt" IS NULL AND t."createdAt" <= ${now}::timestamp(3) - interval '7 days'`,
  };
  const live = Prisma.sql`t."orgId" = ${ctx.org.id} AND t.kind::text = ANY(${kinds}::text[]) AND t.status <> 'REVOKED'
    AND (t."expiresAt" IS NULL OR t."expiresAt" > ${now}::timestamp(3))`;
  const order = ["expiring", "beyond_policy", "unused", "never_used"] as const;
  const [countRow] = await db.$queryRaw<Array<Record<AttentionReason, bigint>>>`
    SELECT count(*) FILTER (WHERE ${reasons.expiring}) AS expiring,
           count(*) FILTER (WHERE ${reasons.beyond_policy}) AS beyond_policy,
           count(*) FILTER (WHERE ${reasons.unused}) AS unused,
           count(*) FILTER (WHERE ${reasons.never_used}) AS never_used
      FROM "Token" t WHERE ${live}`;
  const tokens: AttentionToken[] = [];
  const seen = new Set<string>();
  for (const reason of order) {
    if (Number(countRow[reason]) === 0) continue;
    const rows = await db.$queryRaw<Array<{ id: string; name: string; kind: TokenKind; prefix: string; last4: string; expiresAt: Date | null; lastUsedAt: Date | null; createdAt: Date; slug: string | null }>>`
      SELECT t.id, t.name, t.kind, t.prefix, t.last4, t."expiresAt", t."lastUsedAt", t."createdAt", g.slug
        FROM "Token" t LEFT JOIN "Gateway" g ON g.id = t."gatewayId"
       WHERE ${live} AND ${reasons[reason]}
       ORDER BY t."expiresAt" ASC NULLS LAST, t."createdAt" ASC, t.id
       LIMIT 5`;
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      tokens.push({
        id: r.id,
        name: r.name,
        kind: r.kind,
        masked: maskToken(r.prefix, r.last4),
        reason,
        href: `${KINDS[r.kind].path(r.slug)}?token=${encodeURIComponent(r.id)}`,
        expiresAt: r.expiresAt?.toISOString() ?? null,
        lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
        createdAt: r.createdAt.toISOString(),
      });
    }
  }
  const counts = Object.fromEntries(order.map((r) => [r, Number(countRow[r])])) as Record<AttentionReason, number>;
  return { counts, tokens: tokens.slice(0, 8) };
}

export async function orgOverview(db: PrismaClient, ctx: Viewer, granularity: Granularity, nowMs = Date.now()): Promise<Overview> {
  const kinds = visibleKinds(ctx);
  const range = usageRange(granularity, undefined, undefined, nowMs);
  const [series, top, needs, active] = await Promise.all([
    orgUsageByKind(db, ctx.org.id, kinds, range),
    topTokens(db, ctx.org.id, kinds, range),
    attention(db, ctx, kinds, nowMs),
    db.token.count({ where: { orgId: ctx.org.id, kind: { in: kinds }, status: "ACTIVE", OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(nowMs) } }] } }),
  ]);
  return { granularity, from: range.from.toISOString(), to: range.to.toISOString(), kinds, series, top, attention: needs, activeTokens: active };
}

// --- A gateway's Developer Console ---------------------------------------------------

export interface GatewayBudgets {
  /** This month, day by day: input and output tokens of the gateway's tokens. */
  days: ModelTotals[];
  monthStart: string;
  /** Tokens with a monthly budget: used this month against it, most used share first. */
  budgets: Array<{ id: string; name: string; masked: string; limit: number; used: number }>;
  /** All of the gateway's tokens' use this month. */
  used: number;
}

export async function gatewayBudgets(db: PrismaClient, ctx: Viewer, gatewayId: string, nowMs = Date.now()): Promise<GatewayBudgets> {
  const start = monthStart(nowMs);
  const range = { granularity: "day" as const, from: start, to: new Date(Math.ceil((nowMs + 1) / DAY_MS) * DAY_MS) };
  const [days, tokens] = await Promise.all([
    gatewayModelSeries(db, gatewayId, range),
    db.token.findMany({
      where: { orgId: ctx.org.id, gatewayId, kind: "GATEWAY", monthlyTokenBudget: { not: null }, status: { not: "REVOKED" } },
      select: { id: true, name: true, prefix: true, last4: true, monthlyTokenBudget: true },
    }),
  ]);
  const used = await monthUsageByToken(db, tokens.map((t) => t.id), nowMs);
  const budgets = tokens
    .map((t) => ({ id: t.id, name: t.name, masked: maskToken(t.prefix, t.last4), limit: t.monthlyTokenBudget!, used: used.get(t.id) ?? 0 }))
    .sort((a, b) => b.used / b.limit - a.used / a.limit || a.name.localeCompare(b.name));
  return { days, monthStart: start.toISOString(), budgets, used: days.reduce((n, d) => n + d.inputTokens + d.outputTokens, 0) };
}
