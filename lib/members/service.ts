/**
 * Members of an org (docs/contract.md §1): roles change and members leave, and
 * an org always keeps an admin. A member's tokens act with the member's role,
 * so a role change applies to them at once, and removal revokes them.
 */
import "server-only";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { endAllSessions } from "@/lib/auth/sessions";
import { DomainError } from "@/lib/errors";
import { orgChanged, tokensChanged } from "@/lib/tokens/events";
import { revokeTokens } from "@/lib/tokens/revoke";
import { actorData, emitEvent } from "@/lib/webhooks/events";
import { kickWebhooks } from "@/lib/webhooks/worker";

const LAST_ADMIN = "An organization needs at least one admin. Make someone else an admin first.";

export function listMembers(db: PrismaClient, orgId: string) {
  return db.membership.findMany({
    where: { orgId },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ createdAt: "asc" }],
  });
}

/** Per org: how many live workspace and gateway tokens the user made there (what leaving would revoke). */
export async function liveTokensByOrg(db: PrismaClient, userId: string): Promise<Map<string, number>> {
  const rows = await db.token.groupBy({
    by: ["orgId"],
    where: { createdById: userId, kind: { in: ["WORKSPACE", "GATEWAY"] }, status: { not: "REVOKED" } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.orgId, r._count._all]));
}

/** What deleting the org would take, and whether the asking admin is its last. */
export async function orgDeletionFacts(db: PrismaClient, orgId: string, userId: string) {
  const [admins, tokens] = await Promise.all([
    db.membership.findMany({ where: { orgId, role: "ADMIN" }, select: { userId: true } }),
    db.token.count({ where: { orgId, status: { not: "REVOKED" } } }),
  ]);
  return { otherAdmins: admins.filter((a) => a.userId !== userId).length, tokens };
}

/**
 * Locks the org's admin memberships so two concurrent demotions/removals cannot
 * both see "another admin remains" and leave the org with none.
 */
async function lockAdmins(tx: Prisma.TransactionClient, orgId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Membership" WHERE "orgId" = ${orgId} AND role = 'ADMIN' FOR UPDATE`;
  return rows.map((r) => r.id);
}

export async function changeRole(db: PrismaClient, meta: ChangeMeta, membershipId: string, role: Role) {
  const updated = await db.$transaction(async (tx) => {
    const admins = await lockAdmins(tx, meta.orgId);
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId: meta.orgId }, include: { user: true } });
    if (!m) throw new DomainError("not_found", "Member not found.");
    if (m.role === role) return m;
    if (m.role === "ADMIN" && admins.length <= 1) {
      throw new DomainError("conflict", LAST_ADMIN);
    }
    const updated = await tx.membership.update({ where: { id: m.id }, data: { role } });
    await audit(tx, {
      ...meta,
      action: "member.role_changed",
      target: { type: "user", id: m.userId, label: m.user.email },
      metadata: { from: m.role, to: role },
    });
    await emitEvent(tx, meta.orgId, "member.role_changed", {
      member: { name: m.user.name, email: m.user.email, role },
      from: m.role,
      to: role,
      actor: actorData(meta.actor),
    });
    return updated;
  });
  kickWebhooks();
  // The member's tokens (and what they minted) act with the member's role: drop cached verifications so the change applies at once.
  orgChanged(meta.orgId);
  return updated;
}

export async function removeMember(db: PrismaClient, meta: ChangeMeta, membershipId: string) {
  const revoked = await db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId: meta.orgId }, include: { user: true } });
    if (!m) throw new DomainError("not_found", "Member not found.");
    // Whatever they had open (a cookie copied before removal included) signs them in no more.
    await endAllSessions(tx, m.userId);
    return dropMembership(tx, meta, m, "member.removed", `member ${m.user.email} removed`);
  });
  tokensChanged(revoked);
  kickWebhooks();
}

/**
 * A member leaves on their own: as a removal (their workspace and gateway tokens
 * here are revoked), except that their sessions stay, since they may be in
 * other organizations too. The last admin cannot leave.
 */
export async function leaveOrg(db: PrismaClient, meta: ChangeMeta, userId: string) {
  const revoked = await db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { userId, orgId: meta.orgId }, include: { user: true } });
    if (!m) throw new DomainError("not_found", "You are not a member of this organization.");
    return dropMembership(tx, meta, m, "member.left", `member ${m.user.email} left`);
  });
  tokensChanged(revoked);
  kickWebhooks();
}

type MembershipWithUser = Prisma.MembershipGetPayload<{ include: { user: true } }>;

/** Ends a membership: refuses the last admin, revokes the member's tokens here, audits it, and tells the org's webhooks ("member.removed", with how it ended). */
async function dropMembership(tx: Prisma.TransactionClient, meta: ChangeMeta, m: MembershipWithUser, action: "member.removed" | "member.left", reason: string) {
  const admins = await lockAdmins(tx, meta.orgId);
  if (m.role === "ADMIN" && admins.length <= 1) throw new DomainError("conflict", LAST_ADMIN);
  await tx.membership.delete({ where: { id: m.id } });
  // Workspace and gateway tokens act for the member who made them and go with
  // them; organization tokens belong to the org and keep working (docs/contract.md §2).
  const live = await tx.token.findMany({
    where: { orgId: meta.orgId, createdById: m.userId, kind: { in: ["WORKSPACE", "GATEWAY"] }, status: { not: "REVOKED" } },
    select: { id: true },
  });
  const revoked = await revokeTokens(tx, meta, live.map((t) => t.id), reason);
  await audit(tx, {
    ...meta,
    action,
    target: { type: "user", id: m.userId, label: m.user.email },
    metadata: { role: m.role, revokedTokens: revoked.length },
  });
  await emitEvent(tx, meta.orgId, "member.removed", {
    member: { name: m.user.name, email: m.user.email, role: m.role },
    left: action === "member.left",
    revoked_tokens: revoked.length,
    actor: actorData(meta.actor),
  });
  return revoked;
}
