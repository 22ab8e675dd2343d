/**
 * Tokens minted by tokens (docs/contract.md "Tokens minted through the API").
 * A token created through the Workspace API records the token that created it
 * (createdByTokenId). Such a token never does more than its whole minting chain
 * may do now: it authenticates only while every token above it does, its
 * permissions are intersected with theirs on every verification, and it acts
 * with the role at the chain's root (an organization token's role, or the
 * member's current role). Revoking a token revokes everything it minted.
 */
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Role, TokenKind, TokenStatus } from "@/lib/generated/prisma/enums";
import { rolePermissions, type ApiPermission } from "@/lib/authz";
import { authenticates } from "./status";

/** Deeper chains are refused: nothing legitimate mints tokens 32 levels down. */
export const MAX_CHAIN = 32;

export interface Ancestor {
  id: string;
  orgId: string;
  kind: TokenKind;
  status: TokenStatus;
  expiresAt: Date | null;
  permissions: string[];
  role: Role | null;
  createdById: string | null;
  /** The creating member's current role in the org (null: not a member, or none). */
  memberRole: Role | null;
  /** Its own minter, if any (the chain continues). */
  createdByTokenId: string | null;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** The tokens above `parentId`, nearest first, or null when the chain is too deep. */
export async function mintingChain(db: Db, parentId: string): Promise<Ancestor[] | null> {
  const rows = await db.$queryRaw<Ancestor[]>`
    WITH RECURSIVE chain(id, depth) AS (
      SELECT ${parentId}::text, 1
      UNION ALL
      SELECT t."createdByTokenId", c.depth + 1 FROM chain c JOIN "Token" t ON t.id = c.id
       WHERE t."createdByTokenId" IS NOT NULL AND c.depth < ${MAX_CHAIN + 1}
    )
    SELECT t.id, t."orgId", t.kind::text AS kind, t.status::text AS status, t."expiresAt", t.permissions,
           t.role::text AS role, t."createdById", m.role::text AS "memberRole", t."createdByTokenId"
      FROM chain c JOIN "Token" t ON t.id = c.id
      LEFT JOIN "Membership" m ON m."userId" = t."createdById" AND m."orgId" = t."orgId"
     ORDER BY c.depth`;
  if (rows.length > MAX_CHAIN) return null;
  return rows.map((r) => ({ ...r, expiresAt: r.expiresAt ? new Date(r.expiresAt) : null }));
}

export interface ChainBound {
  role: Role;
  /** What the chain allows: a minted token's own permissions are intersected with these. */
  permissions: Set<ApiPermission>;
  /** The earliest expiry along the chain. */
  expiresAt: Date | null;
}

/**
 * What a chain allows now, or null when any token in it cannot authenticate
 * (revoked, deactivated, expired), it leaves the org, or it ends without a root
 * that acts for someone (an organization token, or a current member).
 */
export function chainBound(chain: Ancestor[], orgId: string, now: Date): ChainBound | null {
  const root = chain.at(-1);
  if (!root || root.createdByTokenId) return null;
  let role: Role;
  if (root.kind === "ORGANIZATION") role = root.role ?? "VIEWER";
  else if (root.createdById && root.memberRole) role = root.memberRole;
  else return null;

  const permissions = new Set(rolePermissions(role));
  let expiresAt: Date | null = null;
  for (const a of chain) {
    if (a.orgId !== orgId || !authenticates(a, now)) return null;
    // A member's token is bounded by that member's current role as well (an
    // organization token records who made it, but belongs to the org).
    if (a.kind !== "ORGANIZATION" && a.createdById) {
      if (!a.memberRole) return null;
      const memberAllows = new Set(rolePermissions(a.memberRole));
      for (const p of permissions) if (!memberAllows.has(p)) permissions.delete(p);
    }
    if (a.kind === "WORKSPACE") {
      const own = new Set(a.permissions);
      for (const p of permissions) if (!own.has(p)) permissions.delete(p);
    }
    if (a.expiresAt && (!expiresAt || a.expiresAt < expiresAt)) expiresAt = a.expiresAt;
  }
  return { role, permissions, expiresAt };
}

/** Every live token minted, directly or further down, by the given tokens. */
export async function mintedBy(tx: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE minted(id, depth) AS (
      SELECT t.id, 1 FROM "Token" t WHERE t."createdByTokenId" = ANY(${ids}::text[])
      UNION
      SELECT t.id, m.depth + 1 FROM minted m JOIN "Token" t ON t."createdByTokenId" = m.id WHERE m.depth < ${MAX_CHAIN}
    )
    SELECT DISTINCT m.id FROM minted m JOIN "Token" t ON t.id = m.id WHERE t.status <> 'REVOKED'`;
  return rows.map((r) => r.id);
}
