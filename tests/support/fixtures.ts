import { randomBytes } from "node:crypto";

import type { Actor, ChangeMeta } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role, TokenKind } from "@/lib/generated/prisma/enums";
import type { TokenRules } from "@/lib/schemas/tokens";
import { issueToken } from "@/lib/tokens/service";

/** A short random suffix so tests sharing one database never collide. */
export function uniq(): string {
  return randomBytes(5).toString("hex");
}

/** A user with an unusable password hash (hashing is slow and most tests never sign in). */
export function createUser(prisma: PrismaClient, label = "user") {
  const email = `${label}-${uniq()}@example.test`;
  return prisma.user.create({ data: { email, name: label, passwordHash: "not-a-hash" } });
}

/** A fresh org whose first admin is a new user, and `ctx`: that admin acting in it (the services' change metadata). */
export async function createOrgWithAdmin(prisma: PrismaClient) {
  const admin = await createUser(prisma, "admin");
  const org = await prisma.organization.create({
    data: { name: "Test org", slug: `org-${uniq()}`, memberships: { create: { userId: admin.id, role: "ADMIN" } } },
  });
  const membership = await prisma.membership.findUniqueOrThrow({ where: { userId_orgId: { userId: admin.id, orgId: org.id } } });
  return { org, admin, membership, ctx: contextFor(org.id, admin) };
}

export async function addMember(prisma: PrismaClient, orgId: string, role: Role) {
  const user = await createUser(prisma, role.toLowerCase());
  const membership = await prisma.membership.create({ data: { userId: user.id, orgId, role } });
  return { user, membership };
}

export function actorFor(user: { id: string; email: string }): Actor {
  return { type: "user", id: user.id, label: user.email };
}

export function contextFor(orgId: string, user: { id: string; email: string }): ChangeMeta {
  return { orgId, actor: actorFor(user), ip: "203.0.113.7", userAgent: "vitest" };
}

/** A workspace token that may read projects, issued through the service by the org's admin. */
export function issueWorkspaceToken(
  prisma: PrismaClient,
  by: { meta: ChangeMeta; admin: { id: string } },
  options: { label?: string; rules?: TokenRules } = {},
) {
  return issueToken(prisma, by.meta, {
    kind: "WORKSPACE",
    name: `${options.label ?? "ws"}-${uniq()}`,
    permissions: ["projects:read"],
    expiresAt: null,
    createdById: by.admin.id,
    rules: options.rules,
  });
}

/** A token row as the token service would store it (no real secret needed here). */
export function createTokenRow(
  prisma: PrismaClient,
  data: { orgId: string; kind: TokenKind; createdById: string | null; projectId?: string; role?: Role },
) {
  const hash = randomBytes(32).toString("hex");
  const letter = { WORKSPACE: "w", GATEWAY: "g", ORGANIZATION: "o" }[data.kind];
  return prisma.token.create({
    data: { ...data, name: `${data.kind.toLowerCase()}-${uniq()}`, hash, prefix: `ks${letter}_Test`, last4: hash.slice(-4) },
  });
}
