/**
 * The one verification path every API route uses: parse → hash → look up →
 * check status and expiry → resolve what the token may do. A malformed token
 * or a bad checksum is rejected before any database read.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { rolePermissions, type ApiPermission } from "@/lib/authz";
import { hashToken, parseToken, type TokenKind } from "./format";
import { authenticates } from "./status";

/** Who is calling, abstracted from the kind of token (SPEC §2). */
export interface Principal {
  tokenId: string;
  kind: TokenKind;
  name: string;
  orgId: string;
  orgSlug: string;
  /** What the token may do on the Workspace API (empty for gateway tokens). */
  permissions: ApiPermission[];
  /** The role it acts with: an organization token's own, or the creating member's current one. */
  role: Role;
  /** An organization token's role (null for other kinds). */
  tokenRole: Role | null;
  projectId: string | null;
  /** A gateway token's gateway. */
  gatewayId: string | null;
  createdById: string | null;
  createdBy: { name: string; email: string } | null;
  createdAt: Date;
  expiresAt: Date | null;
}

export async function verifyToken(db: PrismaClient, candidate: string, now = new Date()): Promise<Principal | null> {
  const kind = parseToken(candidate);
  if (!kind) return null;
  const token = await db.token.findUnique({
    where: { hash: hashToken(candidate) },
    select: {
      id: true,
      kind: true,
      name: true,
      orgId: true,
      status: true,
      expiresAt: true,
      permissions: true,
      role: true,
      projectId: true,
      gatewayId: true,
      createdAt: true,
      createdById: true,
      org: { select: { slug: true } },
      createdBy: { select: { name: true, email: true, memberships: { select: { orgId: true, role: true } } } },
    },
  });
  if (!token || token.kind !== kind || !authenticates(token, now)) return null;

  const creatorRole = token.createdBy?.memberships.find((m) => m.orgId === token.orgId)?.role ?? null;
  let role: Role;
  let permissions: ApiPermission[];
  if (token.kind === "ORGANIZATION") {
    role = token.role ?? "VIEWER";
    permissions = rolePermissions(role);
  } else if (token.createdById) {
    // A member's token never does more than the member currently may: a demotion narrows it at once.
    if (!creatorRole) return null;
    role = creatorRole;
    const allowed = new Set(rolePermissions(creatorRole));
    permissions = (token.permissions as ApiPermission[]).filter((p) => allowed.has(p));
  } else {
    // Made through the API by an organization token: bounded by that token's role when it was made.
    role = "DEVELOPER";
    permissions = token.permissions as ApiPermission[];
  }
  if (token.kind === "GATEWAY") permissions = [];

  return {
    tokenId: token.id,
    kind: token.kind,
    name: token.name,
    orgId: token.orgId,
    orgSlug: token.org.slug,
    permissions,
    role,
    tokenRole: token.kind === "ORGANIZATION" ? token.role : null,
    projectId: token.projectId,
    gatewayId: token.gatewayId,
    createdById: token.createdById,
    createdBy: token.createdBy ? { name: token.createdBy.name, email: token.createdBy.email } : null,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
  };
}
