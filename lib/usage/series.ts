/**
 * Usage over time, read from the buckets the usage flush writes
 * (lib/tokens/usage.ts): one token's calls by outcome and model tokens, an org's
 * calls by token kind, its busiest tokens, a gateway's model tokens. Series are
 * dense (every bucket of the range, zeros included), oldest first.
 */
import "server-only";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { maskToken } from "@/lib/tokens/format";

export type Granularity = "hour" | "day";
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const BUCKET_MS: Record<Granularity, number> = { hour: HOUR_MS, day: DAY_MS };
/** The charts' spans: what the default retention keeps. */
export const DEFAULT_SPAN_MS: Record<Granularity, number> = { hour: 48 * HOUR_MS, day: 90 * DAY_MS };

export interface Range {
  granularity: Granularity;
  /** Inclusive, on a bucket boundary. */
  from: Date;
  /** Exclusive, on a bucket boundary. */
  to: Date;
}

/** Buckets in a range. */
export function bucketCount(range: Range): number {
  return Math.round((range.to.getTime() - range.from.getTime()) / BUCKET_MS[range.granularity]);
}

/**
 * A range on bucket boundaries: `to` (default now) rounded up, so the current
 * bucket is in; `from` (default the chart's span before `to`) rounded down.
 */
export function usageRange(granularity: Granularity, from?: Date, to?: Date, nowMs = Date.now()): Range {
  const size = BUCKET_MS[granularity];
  const end = Math.ceil((to?.getTime() ?? nowMs + 1) / size) * size;
  const start = Math.floor((from?.getTime() ?? end - DEFAULT_SPAN_MS[granularity]) / size) * size;
  return { granularity, from: new Date(start), to: new Date(end) };
}

export interface OutcomeCounts {
  succeeded: number;
  denied: number;
  limited: number;
  failed: number;
}
export interface UsagePoint extends OutcomeCounts {
  /** ISO time of the bucket's start. */
  start: string;
}
export interface ModelPoint {
  start: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

const ZERO: OutcomeCounts = { succeeded: 0, denied: 0, limited: 0, failed: 0 };

/** Every bucket start of the range, as ISO strings. */
export function bucketStarts(range: Range): string[] {
  const size = BUCKET_MS[range.granularity];
  const out: string[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += size) out.push(new Date(t).toISOString());
  return out;
}

function span(range: Range): Prisma.Sql {
  return range.granularity === "hour" ? Prisma.sql`'HOUR'::"UsageSpan"` : Prisma.sql`'DAY'::"UsageSpan"`;
}

function ts(date: Date): string {
  return date.toISOString().replace("Z", "");
}

type CountRow = { start: Date; succeeded: bigint; denied: bigint; limited: bigint; failed: bigint };
const counts = (r: CountRow): OutcomeCounts => ({ succeeded: Number(r.succeeded), denied: Number(r.denied), limited: Number(r.limited), failed: Number(r.failed) });

/** One token's calls by outcome per bucket, and (gateway tokens) its model tokens per bucket and model. */
export async function tokenUsageSeries(db: PrismaClient, tokenId: string, range: Range): Promise<{ points: UsagePoint[]; models: ModelPoint[] }> {
  const [rows, models] = await Promise.all([
    db.$queryRaw<CountRow[]>`
      SELECT start, succeeded, denied, limited, failed FROM "TokenUsageBucket"
       WHERE "tokenId" = ${tokenId} AND span = ${span(range)} AND start >= ${ts(range.from)}::timestamp(3) AND start < ${ts(range.to)}::timestamp(3)`,
    db.$queryRaw<Array<{ start: Date; model: string; calls: bigint; inputTokens: bigint; outputTokens: bigint }>>`
      SELECT start, model, calls, "inputTokens", "outputTokens" FROM "TokenModelBucket"
       WHERE "tokenId" = ${tokenId} AND span = ${span(range)} AND start >= ${ts(range.from)}::timestamp(3) AND start < ${ts(range.to)}::timestamp(3)
       ORDER BY start, model`,
  ]);
  const byStart = new Map(rows.map((r) => [r.start.toISOString(), counts(r)]));
  return {
    points: bucketStarts(range).map((start) => ({ start, ...(byStart.get(start) ?? ZERO) })),
    models: models.map((m) => ({
      start: m.start.toISOString(),
      model: m.model,
      calls: Number(m.calls),
      inputTokens: Number(m.inputTokens),
      outputTokens: Number(m.outputTokens),
    })),
  };
}

export type KindPoint = { start: string } & Record<TokenKind, OutcomeCounts>;

/** An org's calls per bucket, by token kind and outcome (only the kinds the viewer may see). */
export async function orgUsageByKind(db: PrismaClient, orgId: string, kinds: TokenKind[], range: Range): Promise<KindPoint[]> {
  const rows = await db.$queryRaw<Array<CountRow & { kind: TokenKind }>>`
    SELECT start, kind, SUM(succeeded)::bigint AS succeeded, SUM(denied)::bigint AS denied, SUM(limited)::bigint AS limited, SUM(failed)::bigint AS failed
      FROM "TokenUsageBucket"
     WHERE "orgId" = ${orgId} AND span = ${span(range)} AND start >= ${ts(range.from)}::timestamp(3) AND start < ${ts(range.to)}::timestamp(3)
       AND kind::text = ANY(${kinds}::text[])
     GROUP BY start, kind`;
  const byKey = new Map(rows.map((r) => [`${r.start.toISOString()}|${r.kind}`, counts(r)]));
  return bucketStarts(range).map(
    (start) =>
      ({
        start,
        WORKSPACE: byKey.get(`${start}|WORKSPACE`) ?? ZERO,
        GATEWAY: byKey.get(`${start}|GATEWAY`) ?? ZERO,
        ORGANIZATION: byKey.get(`${start}|ORGANIZATION`) ?? ZERO,
      }) as KindPoint,
  );
}

export interface TopToken extends OutcomeCounts {
  id: string;
  name: string;
  kind: TokenKind;
  masked: string;
  gatewaySlug: string | null;
  total: number;
}

/** The org's busiest tokens in the range (all outcomes), most calls first. */
export async function topTokens(db: PrismaClient, orgId: string, kinds: TokenKind[], range: Range, limit = 5): Promise<TopToken[]> {
  const rows = await db.$queryRaw<Array<CountRow & { id: string; name: string; kind: TokenKind; prefix: string; last4: string; gatewaySlug: string | null }>>`
    SELECT t.id, t.name, t.kind, t.prefix, t.last4, g.slug AS "gatewaySlug", b.succeeded, b.denied, b.limited, b.failed
      FROM (SELECT "tokenId", SUM(succeeded)::bigint AS succeeded, SUM(denied)::bigint AS denied, SUM(limited)::bigint AS limited, SUM(failed)::bigint AS failed
              FROM "TokenUsageBucket"
             WHERE "orgId" = ${orgId} AND span = ${span(range)} AND start >= ${ts(range.from)}::timestamp(3) AND start < ${ts(range.to)}::timestamp(3)
               AND kind::text = ANY(${kinds}::text[])
             GROUP BY "tokenId"
             ORDER BY SUM(succeeded + denied + limited + failed) DESC, "tokenId"
             LIMIT ${limit}) b
      JOIN "Token" t ON t.id = b."tokenId"
      LEFT JOIN "Gateway" g ON g.id = t."gatewayId"
     ORDER BY b.succeeded + b.denied + b.limited + b.failed DESC, t.id`;
  return rows.map((r) => {
    const c = counts(r);
    return { id: r.id, name: r.name, kind: r.kind, masked: maskToken(r.prefix, r.last4), gatewaySlug: r.gatewaySlug, ...c, total: c.succeeded + c.denied + c.limited + c.failed };
  });
}

export interface ModelTotals {
  start: string;
  inputTokens: number;
  outputTokens: number;
}

/** A gateway's model tokens per bucket: what its gateway tokens used (dense). */
export async function gatewayModelSeries(db: PrismaClient, gatewayId: string, range: Range): Promise<ModelTotals[]> {
  const rows = await db.$queryRaw<Array<{ start: Date; inputTokens: bigint; outputTokens: bigint }>>`
    SELECT b.start, SUM(b."inputTokens")::bigint AS "inputTokens", SUM(b."outputTokens")::bigint AS "outputTokens"
      FROM "TokenModelBucket" b JOIN "Token" t ON t.id = b."tokenId"
     WHERE t."gatewayId" = ${gatewayId} AND t.kind = 'GATEWAY' AND b.span = ${span(range)}
       AND b.start >= ${ts(range.from)}::timestamp(3) AND b.start < ${ts(range.to)}::timestamp(3)
     GROUP BY b.start`;
  const byStart = new Map(rows.map((r) => [r.start.toISOString(), r]));
  return bucketStarts(range).map((start) => {
    const r = byStart.get(start);
    return { start, inputTokens: Number(r?.inputTokens ?? 0), outputTokens: Number(r?.outputTokens ?? 0) };
  });
}
