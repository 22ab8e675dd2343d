/**
 * One kind's tokens in an org, one page at a time: search (name or description,
 * a prefix, a masked token), hygiene filters, sorts, and keyset pagination, so a
 * page costs the same at the 400th page as at the first. Sort keys are made
 * non-null (`-infinity`/`infinity` stand in for "never") and tied by id, which
 * makes (key, id) a total order a cursor can resume from. The query returns the
 * page's ids; the caller reads their rows (lib/tokens/service.ts).
 */
import "server-only";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { EXPIRING_DAYS, tokenNeedle, UNUSED_DAYS, type HygieneFilter, type SortDirection, type TokenSort } from "./hygiene";
import { requiresExpiry, type TokenPolicy } from "./lifetime";
import type { DisplayStatus } from "./status";

const DAY_MS = 86_400_000;

/** Where a page starts: after (or, going back, before) the row with this sort key and id. */
export interface Cursor {
  key: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString("base64url");
}

export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const [key, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    return typeof key === "string" && typeof id === "string" && key.length <= 64 && id.length <= 64 ? { key, id } : null;
  } catch {
    return null;
  }
}

export interface ListQuery {
  status?: DisplayStatus;
  q?: string;
  filter?: HygieneFilter;
  sort: TokenSort;
  dir: SortDirection;
  /** Keyset paging (the console): the page after `after`, or the one before `before`. */
  after?: Cursor | null;
  before?: Cursor | null;
  /** Offset paging (the Workspace API's `page`). */
  offset?: number;
  pageSize: number;
  projectId?: string;
  gatewayId?: string;
  /** The org's policy, for the beyond-policy filter. */
  policy: TokenPolicy;
}

/** The sort key as SQL, and its type for comparing a cursor's text form with it. */
const KEYS: Record<TokenSort, { sql: Prisma.Sql; type: Prisma.Sql }> = {
  created: { sql: Prisma.sql`t."createdAt"`, type: Prisma.sql`timestamp(3)` },
  last_used: { sql: Prisma.sql`COALESCE(t."lastUsedAt", '-infinity'::timestamp(3))`, type: Prisma.sql`timestamp(3)` },
  usage: { sql: Prisma.sql`t."usageCount"`, type: Prisma.sql`bigint` },
  expiry: { sql: Prisma.sql`COALESCE(t."expiresAt", 'infinity'::timestamp(3))`, type: Prisma.sql`timestamp(3)` },
};

function ts(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}

function statusSql(status: DisplayStatus | undefined, now: string): Prisma.Sql[] {
  const unexpired = Prisma.sql`(t."expiresAt" IS NULL OR t."expiresAt" > ${now}::timestamp(3))`;
  switch (status) {
    case "ACTIVE":
      return [Prisma.sql`t.status = 'ACTIVE'`, unexpired];
    case "INACTIVE":
      return [Prisma.sql`t.status = 'INACTIVE'`, unexpired];
    case "EXPIRED":
      return [Prisma.sql`t.status <> 'REVOKED'`, Prisma.sql`t."expiresAt" <= ${now}::timestamp(3)`];
    case "REVOKED":
      return [Prisma.sql`t.status = 'REVOKED'`];
    default:
      return [];
  }
}

/** The SQL twin of lib/tokens/lifetime.ts beyondPolicy: a lifetime from creation or last regeneration past the policy. */
export function beyondPolicySql(policy: TokenPolicy): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (requiresExpiry(policy)) parts.push(Prisma.sql`t."expiresAt" IS NULL`);
  if (policy.maxLifetimeDays !== null) {
    parts.push(
      Prisma.sql`t."expiresAt" > date_trunc('day', COALESCE(t."regeneratedAt", t."createdAt") + ${policy.maxLifetimeDays} * interval '1 day') + interval '1 day'`,
    );
  }
  return parts.length ? Prisma.sql`(${Prisma.join(parts, " OR ")})` : Prisma.sql`false`;
}

function hygieneSql(filter: HygieneFilter | undefined, policy: TokenPolicy, nowMs: number): Prisma.Sql[] {
  if (!filter) return [];
  const now = ts(nowMs);
  if (filter === "expired") return statusSql("EXPIRED", now);
  // The rest concern live tokens only.
  const live = [Prisma.sql`t.status <> 'REVOKED'`, Prisma.sql`(t."expiresAt" IS NULL OR t."expiresAt" > ${now}::timestamp(3))`];
  switch (filter) {
    case "never_used":
      return [...live, Prisma.sql`t."lastUsedAt" IS NULL`];
    case "unused_30d":
      return [...live, Prisma.sql`COALESCE(t."lastUsedAt", t."createdAt") <= ${ts(nowMs - UNUSED_DAYS * DAY_MS)}::timestamp(3)`];
    case "beyond_policy":
      return [...live, beyondPolicySql(policy)];
    default:
      return [...live, Prisma.sql`t."expiresAt" <= ${ts(nowMs + (EXPIRING_DAYS[filter] ?? 0) * DAY_MS)}::timestamp(3)`];
  }
}

function searchSql(q: string | undefined): Prisma.Sql[] {
  const text = q?.trim();
  if (!text) return [];
  const needle = tokenNeedle(text);
  if (needle) {
    // The current secret, or the previous one during a rotation overlap.
    const current = needle.last4
      ? Prisma.sql`(t.prefix LIKE ${`${needle.prefix}%`} AND t.last4 = ${needle.last4})`
      : Prisma.sql`t.prefix LIKE ${`${needle.prefix}%`}`;
    const previous = needle.last4
      ? Prisma.sql`(t."previousPrefix" LIKE ${`${needle.prefix}%`} AND t."previousLast4" = ${needle.last4})`
      : Prisma.sql`t."previousPrefix" LIKE ${`${needle.prefix}%`}`;
    return [Prisma.sql`(${current} OR ${previous})`];
  }
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return [Prisma.sql`(t.name ILIKE ${pattern} OR t.description ILIKE ${pattern})`];
}

export interface IdPage {
  ids: string[];
  total: number;
  /** Cursors for the neighbouring pages, when there are any. */
  next: string | null;
  prev: string | null;
}

/** The ids of one page, in order, the number of tokens matching, and the cursors around the page. */
export async function pageOfTokenIds(db: PrismaClient, orgId: string, kind: TokenKind, query: ListQuery, nowMs = Date.now()): Promise<IdPage> {
  const now = ts(nowMs);
  const where = [
    Prisma.sql`t."orgId" = ${orgId}`,
    Prisma.sql`t.kind = ${kind}::"TokenKind"`,
    ...(query.projectId ? [Prisma.sql`t."projectId" = ${query.projectId}`] : []),
    ...(query.gatewayId ? [Prisma.sql`t."gatewayId" = ${query.gatewayId}`] : []),
    ...statusSql(query.status, now),
    ...hygieneSql(query.filter, query.policy, nowMs),
    ...searchSql(query.q),
  ];
  const key = KEYS[query.sort];
  const backwards = Boolean(query.before) && !query.after;
  const cursor = query.after ?? query.before ?? null;
  // Going back reads the page before the cursor in the opposite order, then turns it round.
  const ascending = (query.dir === "asc") !== backwards;
  const paged = [...where];
  if (cursor) {
    paged.push(
      ascending
        ? Prisma.sql`(${key.sql}, t.id) > (${cursor.key}::${key.type}, ${cursor.id})`
        : Prisma.sql`(${key.sql}, t.id) < (${cursor.key}::${key.type}, ${cursor.id})`,
    );
  }
  const order = ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const whereSql = Prisma.join(where, " AND ");
  const [rows, counted] = await Promise.all([
    db.$queryRaw<Array<{ id: string; k: string }>>`
      SELECT t.id, (${key.sql})::text AS k FROM "Token" t
       WHERE ${Prisma.join(paged, " AND ")}
       ORDER BY ${key.sql} ${order}, t.id ${order}
       LIMIT ${query.pageSize + 1} OFFSET ${query.offset ?? 0}`,
    db.$queryRaw<Array<{ n: bigint | number }>>`SELECT count(*) AS n FROM "Token" t WHERE ${whereSql}`,
  ]);
  const more = rows.length > query.pageSize;
  const page = rows.slice(0, query.pageSize);
  if (backwards) page.reverse();
  const edge = (r: { id: string; k: string } | undefined) => (r ? encodeCursor({ key: r.k, id: r.id }) : null);
  return {
    ids: page.map((r) => r.id),
    total: Number(counted[0].n),
    // Forward: a next page if more rows followed; a previous one if we came from a cursor. Backward: the mirror.
    next: backwards ? edge(page.at(-1)) : more ? edge(page.at(-1)) : null,
    prev: backwards ? (more ? edge(page[0]) : null) : cursor || (query.offset ?? 0) > 0 ? edge(page[0]) : null,
  };
}
