/**
 * Invitations (docs/contract.md §1): a link whose secret only the invitee gets;
 * only its hash is stored. A new invitation for the same address replaces a
 * pending one.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { emitEvent } from "@/lib/webhooks/events";
import { kickWebhooks } from "@/lib/webhooks/worker";

export const INVITE_TTL_DAYS = 7;
const INVALID_INVITATION = "This invitation is no longer valid.";

export function hashInviteSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function listPendingInvitations(db: PrismaClient, orgId: string) {
  return db.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, invitedBy: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
}

/** Creates an invitation and returns the secret for its link; only its hash is stored. */
export async function inviteMember(db: PrismaClient, meta: ChangeMeta & { invitedById: string }, email: string, role: Role) {
  const alreadyMember = await db.membership.findFirst({ where: { orgId: meta.orgId, user: { email } } });
  if (alreadyMember) throw new DomainError("conflict", `${email} is already a member of this organization.`, "email");
  const secret = randomBytes(24).toString("base64url");
  await db.$transaction(async (tx) => {
    // A new invitation replaces any pending one for the same address.
    await tx.invitation.updateMany({
      where: { orgId: meta.orgId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const invitation = await tx.invitation.create({
      data: {
        orgId: meta.orgId,
        email,
        role,
        secretHash: hashInviteSecret(secret),
        invitedById: meta.invitedById,
        expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
      },
    });
    await audit(tx, { ...meta, action: "member.invited", target: { type: "invitation", id: invitation.id, label: email }, metadata: { role } });
  });
  return secret;
}

export async function revokeInvitation(db: PrismaClient, meta: ChangeMeta, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id, orgId: meta.orgId, acceptedAt: null, revokedAt: null } });
    if (!inv) throw new DomainError("not_found", "Invitation not found.");
    await tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, { ...meta, action: "member.invitation_revoked", target: { type: "invitation", id, label: inv.email } });
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
  const slug = await db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({
      where: { secretHash: hashInviteSecret(secret), acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      include: { org: { select: { slug: true } }, invitedBy: { select: { email: true } } },
    });
    if (!inv) throw new DomainError("not_found", INVALID_INVITATION);
    if (inv.email !== user.email) throw new DomainError("forbidden", `This invitation is for ${inv.email}.`);
    // Marking it accepted first makes a second, concurrent acceptance find nothing.
    const claimed = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count !== 1) throw new DomainError("not_found", INVALID_INVITATION);
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
    const member = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, email: true } });
    await emitEvent(tx, inv.orgId, "member.added", {
      member: { ...member, role: inv.role },
      invited_by: inv.invitedBy?.email ?? null,
    });
    return inv.org.slug;
  });
  kickWebhooks();
  return slug;
}
