/**
 * Invitations (docs/contract.md §1): a link whose secret only the invitee and
 * the org's admins get, e-mailed to the invitee through the outbox. Looked up by
 * the secret's hash; the secret is kept sealed so an admin can copy or resend
 * the same link. A new invitation for the same address replaces a pending one.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { ROLE_LABELS } from "@/lib/authz";
import { open, seal } from "@/lib/crypto/secret-box";
import { queueInvitationEmail } from "@/lib/email/outbox";
import { publicOrigin } from "@/lib/request-info";
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

const invitationPath = (secret: string) => `/invite/${secret}`;

/**
 * Creates an invitation and e-mails the link to the invitee (through the outbox,
 * in the same transaction). Returns the link's path, and when the pending
 * invitation it replaced was sent (its link stops working), if there was one.
 * The secret is stored as a hash to look it up and sealed to copy or resend it.
 */
export async function inviteMember(db: PrismaClient, meta: ChangeMeta & { invitedById: string }, email: string, role: Role) {
  const alreadyMember = await db.membership.findFirst({ where: { orgId: meta.orgId, user: { email } } });
  if (alreadyMember) throw new DomainError("conflict", `${email} is already a member of this organization.`, "email");
  const secret = randomBytes(24).toString("base64url");
  const replaced = await db.$transaction(async (tx) => {
    // A new invitation replaces any pending one for the same address.
    const pending = await tx.invitation.findFirst({
      where: { orgId: meta.orgId, email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
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
        secretSealed: seal(secret),
        invitedById: meta.invitedById,
        expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
      },
    });
    await audit(tx, { ...meta, action: "member.invited", target: { type: "invitation", id: invitation.id, label: email }, metadata: { role, replacedPending: Boolean(pending) } });
    await mailInvitation(tx, invitation, secret, `invitation:${invitation.id}`);
    return pending?.createdAt ?? null;
  });
  return { path: invitationPath(secret), replaced };
}

type Tx = Prisma.TransactionClient;

async function mailInvitation(tx: Tx, inv: { orgId: string; email: string; role: Role; expiresAt: Date; invitedById: string | null }, secret: string, eventId: string) {
  const [org, inviter] = await Promise.all([
    tx.organization.findUniqueOrThrow({ where: { id: inv.orgId }, select: { name: true } }),
    inv.invitedById ? tx.user.findUnique({ where: { id: inv.invitedById }, select: { name: true } }) : null,
  ]);
  await queueInvitationEmail(tx, {
    orgId: inv.orgId,
    to: inv.email,
    eventId,
    props: {
      orgName: org.name,
      inviterName: inviter?.name ?? "An admin",
      roleLabel: ROLE_LABELS[inv.role],
      link: `${publicOrigin()}${invitationPath(secret)}`,
      expires: inv.expiresAt.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }),
      email: inv.email,
    },
  });
}

async function pendingInvitation(db: Tx | PrismaClient, orgId: string, id: string) {
  const inv = await db.invitation.findFirst({ where: { id, orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } });
  if (!inv) throw new DomainError("not_found", "This invitation is no longer pending.");
  return inv;
}

/** The link of a pending invitation, for an admin to copy again (the same link that was e-mailed). */
export async function invitationLink(db: PrismaClient, orgId: string, id: string): Promise<string> {
  const inv = await pendingInvitation(db, orgId, id);
  if (!inv.secretSealed) throw new DomainError("conflict", "This invitation was made before links could be copied again: resend it for a new link.");
  return invitationPath(open(inv.secretSealed));
}

/**
 * E-mails a pending invitation again, valid for another INVITE_TTL_DAYS from now.
 * The link stays the same, so a copy already shared keeps working; one made
 * before links were kept gets a new link (`renewed`).
 */
export async function resendInvitation(db: PrismaClient, meta: ChangeMeta, id: string) {
  return db.$transaction(async (tx) => {
    const inv = await pendingInvitation(tx, meta.orgId, id);
    const renewed = !inv.secretSealed;
    const secret = inv.secretSealed ? open(inv.secretSealed) : randomBytes(24).toString("base64url");
    const updated = await tx.invitation.update({
      where: { id },
      data: {
        expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
        ...(renewed ? { secretHash: hashInviteSecret(secret), secretSealed: seal(secret) } : {}),
      },
    });
    await audit(tx, { ...meta, action: "member.invitation_resent", target: { type: "invitation", id, label: inv.email }, metadata: { role: inv.role, newLink: renewed } });
    await mailInvitation(tx, updated, secret, `invitation:${id}:${Date.now()}`);
    return { email: inv.email, path: invitationPath(secret), renewed };
  });
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
