import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { ROLES } from "@/lib/authz";
import { audit } from "@/lib/audit";
import { endAllSessions } from "@/lib/auth/sessions";
import type { ChangeContext } from "@/lib/projects";
import { orgChanged, tokensChanged } from "@/lib/tokens/events";
import { revokeTokens } from "@/lib/tokens/revoke";

export const roleSchema = z.enum(ROLES, { error: "Choose a role." });
export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254);

export const INVITE_TTL_DAYS = 7;

export class MemberError extends Error {}

export function hashInviteSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function listMembers(db: PrismaClient, orgId: string) {
  return db.membership.findMany({
    where: { orgId },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ createdAt: "asc" }],
  });
}

export function listPendingInvitations(db: PrismaClient, orgId: string) {
  return db.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, invitedBy: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
}

/** Creates an invitation and returns the secret for its link; only its hash is stored. */
export async function inviteMember(db: PrismaClient, ctx: ChangeContext & { invitedById: string }, email: string, role: Role) {
  const alreadyMember = await db.membership.findFirst({ where: { orgId: ctx.orgId, user: { email } } });
  if (alreadyMember) throw new MemberError(`${email} is already a member of this organization.`);
  const secret = randomBytes(24).toString("base64url");
  await db.$transaction(async (tx) => {
    // A new invitation replaces any pending one for the same address.
    await tx.invitation.updateMany({
      where: { orgId: ctx.orgId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const invitation = await tx.invitation.create({
      data: {
        orgId: ctx.orgId,
        email,
        role,
        secretHash: hashInviteSecret(secret),
        invitedById: ctx.invitedById,
        expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
      },
    });
    await audit(tx, { ...ctx, action: "member.invited", target: { type: "invitation", id: invitation.id, label: email }, metadata: { role } });
  });
  return secret;
}

export async function revokeInvitation(db: PrismaClient, ctx: ChangeContext, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id, orgId: ctx.orgId, acceptedAt: null, revokedAt: null } });
    if (!inv) return false;
    await tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, { ...ctx, action: "member.invitation_revoked", target: { type: "invitation", id, label: inv.email } });
    return true;
  });
}

/** The pending, unexpired invitation a link's secret names, with its org. */
export function findInvitation(db: PrismaClient, secret: string) {
  return db.invitation.findFirst({
    where: { secretHash: hashInviteSecret(secret), acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    include: { org: { select: { id: true, slug: true, name: true } } },
  });
}

/** Adds the user to the invitation's org, once; the invitation must be for their e-mail. */
export async function acceptInvitation(
  db: PrismaClient,
  secret: string,
  user: { id: string; email: string },
  meta: { ip?: string | null; userAgent?: string | null } = {},
) {
  return db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({
      where: { secretHash: hashInviteSecret(secret), acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      include: { org: { select: { slug: true } } },
    });
    if (!inv) throw new MemberError("This invitation is no longer valid.");
    if (inv.email !== user.email) throw new MemberError(`This invitation is for ${inv.email}.`);
    // Marking it accepted first makes a second, concurrent acceptance find nothing.
    const claimed = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count !== 1) throw new MemberError("This invitation is no longer valid.");
    await tx.membership.upsert({
      where: { userId_orgId: { userId: user.id, orgId: inv.orgId } },
      create: { userId: user.id, orgId: inv.orgId, role: inv.role },
      update: {},
    });
    await audit(tx, {
      orgId: inv.orgId,
      actor: { type: "user", id: user.id, label: user.email },
      action: "member.joined",
      target: { type: "user", id: user.id, label: user.email },
      metadata: { role: inv.role },
      ...meta,
    });
    return inv.org.slug;
  });
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

export async function changeRole(db: PrismaClient, ctx: ChangeContext, membershipId: string, role: Role) {
  const updated = await db.$transaction(async (tx) => {
    const admins = await lockAdmins(tx, ctx.orgId);
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId: ctx.orgId }, include: { user: true } });
    if (!m) throw new MemberError("Member not found.");
    if (m.role === role) return m;
    if (m.role === "ADMIN" && admins.length <= 1) {
      throw new MemberError("An organization needs at least one admin. Make someone else an admin first.");
    }
    const updated = await tx.membership.update({ where: { id: m.id }, data: { role } });
    await audit(tx, {
      ...ctx,
      action: "member.role_changed",
      target: { type: "user", id: m.userId, label: m.user.email },
      metadata: { from: m.role, to: role },
    });
    return updated;
  });
  // The member's tokens (and what they minted) act with the member's role: drop cached verifications so the change applies at once.
  orgChanged(ctx.orgId);
  return updated;
}

export async function removeMember(db: PrismaClient, ctx: ChangeContext, membershipId: string) {
  const revokedHashes = await db.$transaction(async (tx) => {
    const admins = await lockAdmins(tx, ctx.orgId);
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId: ctx.orgId }, include: { user: true } });
    if (!m) throw new MemberError("Member not found.");
    if (m.role === "ADMIN" && admins.length <= 1) {
      throw new MemberError("An organization needs at least one admin. Make someone else an admin first.");
    }
    await tx.membership.delete({ where: { id: m.id } });
    // Whatever they had open (a cookie copied before removal included) signs them in no more.
    await endAllSessions(tx, m.userId);
    // Workspace and gateway tokens act for the member who made them and go with
    // them; organization tokens belong to the org and keep working (SPEC §2).
    const live = await tx.token.findMany({
      where: { orgId: ctx.orgId, createdById: m.userId, kind: { in: ["WORKSPACE", "GATEWAY"] }, status: { not: "REVOKED" } },
      select: { id: true },
    });
    const revoked = await revokeTokens(tx, ctx, live.map((t) => t.id), `member ${m.user.email} removed`);
    await audit(tx, {
      ...ctx,
      action: "member.removed",
      target: { type: "user", id: m.userId, label: m.user.email },
      metadata: { role: m.role, revokedTokens: revoked.length },
    });
    return revoked;
  });
  tokensChanged(revokedHashes);
}
