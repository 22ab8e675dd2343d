/**
 * Finding the tokens a leak report names: one query for a whole report,
 * however many secrets it lists (matched on the current and the previous
 * secret's hash), with what handling them needs (org, policy, gateway).
 */
import "server-only";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { LeakedTokenRow } from "./handle";

type Db = PrismaClient | Prisma.TransactionClient;

const COLUMNS = Prisma.sql`
  t.id, t."orgId", t.kind, t.name, t.status, t."createdById", t."previousValidUntil",
  t.hash, t."previousHash", t.prefix, t.last4, t."previousPrefix", t."previousLast4",
  g.slug AS "gatewaySlug", o.slug AS "orgSlug", o.name AS "orgName", o."leakPolicy"`;

type Row = Omit<LeakedTokenRow, "previous" | "prefix" | "last4"> & {
  hash: string;
  previousHash: string | null;
  prefix: string;
  last4: string;
  previousPrefix: string | null;
  previousLast4: string | null;
};

function query(db: Db, where: Prisma.Sql) {
  return db.$queryRaw<Row[]>`
    SELECT ${COLUMNS}
    FROM "Token" t JOIN "Organization" o ON o.id = t."orgId" LEFT JOIN "Gateway" g ON g.id = t."gatewayId"
    WHERE ${where}`;
}

/** The reported secret's own masked parts: a leaked previous secret is shown as it was. */
function asLeaked(row: Row, previous: boolean): LeakedTokenRow {
  const { hash: _h, previousHash: _p, previousPrefix, previousLast4, ...rest } = row;
  void _h;
  void _p;
  return previous && previousPrefix && previousLast4 ? { ...rest, prefix: previousPrefix, last4: previousLast4, previous } : { ...rest, previous };
}

/** The tokens whose current or previous secret hashes to one of `hashes`, by that hash. */
export async function tokensByHashes(db: Db, hashes: string[]): Promise<Map<string, LeakedTokenRow>> {
  const found = new Map<string, LeakedTokenRow>();
  if (hashes.length === 0) return found;
  const rows = await query(db, Prisma.sql`t.hash = ANY(${hashes}::text[]) OR t."previousHash" = ANY(${hashes}::text[])`);
  const wanted = new Set(hashes);
  for (const row of rows) {
    if (wanted.has(row.hash)) found.set(row.hash, asLeaked(row, false));
    if (row.previousHash && wanted.has(row.previousHash)) found.set(row.previousHash, asLeaked(row, true));
  }
  return found;
}

/** An org's tokens shown as `prefix…last4` (current or previous secret): what an admin may paste instead of the secret. */
export async function tokensByMask(db: Db, orgId: string, prefix: string, last4: string): Promise<LeakedTokenRow[]> {
  const rows = await query(
    db,
    Prisma.sql`t."orgId" = ${orgId} AND ((t.prefix = ${prefix} AND t.last4 = ${last4}) OR (t."previousPrefix" = ${prefix} AND t."previousLast4" = ${last4}))`,
  );
  return rows.map((row) => asLeaked(row, !(row.prefix === prefix && row.last4 === last4)));
}
