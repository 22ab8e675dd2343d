/**
 * Writing mail: rows in OutboxEmail, inside the caller's transaction, so the
 * mail exists exactly when the change that caused it does. Delivery is
 * lib/email/delivery.ts's job.
 */
import "server-only";
import { render } from "@react-email/components";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role, TokenKind } from "@/lib/generated/prisma/enums";
import { ROLE_LABELS } from "@/lib/authz";
import { publicOrigin } from "@/lib/request-info";
import { KINDS } from "@/lib/tokens/kinds";
import { open, seal } from "@/lib/crypto/secret-box";
import { InvitationEmail, invitationSubject, invitationText, type InvitationEmailProps } from "./invitation";
import { NoticeEmail, noticeText, type NoticeEmailProps } from "./notice";
import { TokenIssuedEmail, tokenIssuedText, type TokenIssuedEmailProps } from "./token-issued";
import { expiresIn, TokenExpiringEmail, tokenExpiringText, type TokenExpiringEmailProps } from "./token-expiring";

type Tx = Prisma.TransactionClient;

/** What the mail says about a token: its metadata, never the secret (docs/contract.md §5). */
export interface TokenMail {
  id: string;
  kind: TokenKind;
  name: string;
  masked: string;
  role: Role | null;
  permissions: string[];
  project: { name: string } | null;
  gateway: { name: string; slug: string } | null;
}

export function scopeLabel(token: TokenMail): string {
  if (token.kind === "ORGANIZATION") return `Role: ${token.role ? ROLE_LABELS[token.role] : "—"}`;
  if (token.kind === "GATEWAY") return token.gateway ? `Gateway: ${token.gateway.name} (${token.gateway.slug})` : "Gateway";
  const perms = token.permissions.join(", ") || "none";
  return `${perms}; ${token.project ? `project ${token.project.name}` : "all projects"}`;
}

export function tokenLink(orgSlug: string, token: { id: string; kind: TokenKind; gateway: { slug: string } | null }): string {
  return `${publicOrigin()}/o/${orgSlug}/${KINDS[token.kind].path(token.gateway?.slug)}?token=${encodeURIComponent(token.id)}`;
}

/** Queues one e-mail per admin of the org about a token that was created or regenerated. */
export async function queueTokenIssuedEmails(
  tx: Tx,
  args: {
    org: { id: string; slug: string; name: string };
    token: TokenMail;
    action: "created" | "regenerated";
    creator: { name: string; email: string };
    at: Date;
    eventId: string;
    previousValidUntil?: Date | null;
  },
): Promise<number> {
  const admins = await tx.membership.findMany({
    where: { orgId: args.org.id, role: "ADMIN" },
    select: { user: { select: { email: true } } },
  });
  if (admins.length === 0) return 0;
  const props: TokenIssuedEmailProps = {
    action: args.action,
    kindLabel: KINDS[args.token.kind].label,
    tokenName: args.token.name,
    scope: scopeLabel(args.token),
    orgName: args.org.name,
    creatorName: args.creator.name,
    creatorEmail: args.creator.email,
    time: args.at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    masked: args.token.masked,
    link: tokenLink(args.org.slug, args.token),
    previousValidUntil: args.previousValidUntil ? args.previousValidUntil.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "",
  };
  const html = await render(TokenIssuedEmail(props));
  const text = tokenIssuedText(props);
  const subject = `[${args.org.name}] ${props.kindLabel} "${args.token.name}" ${args.action}`;
  await tx.outboxEmail.createMany({
    data: admins.map(({ user }) => ({
      orgId: args.org.id,
      to: user.email,
      subject,
      html,
      text,
      // One key per (event, recipient): the provider drops a repeated send.
      idempotencyKey: `${args.eventId}:${user.email}`,
    })),
  });
  return admins.length;
}

/**
 * Queues the expiry reminder for a token: one e-mail to its creator (while a
 * member of the org) and one to each admin, each once (the idempotency key names
 * the token, the threshold and the expiry date).
 */
export async function queueTokenExpiringEmails(
  tx: Tx,
  args: {
    org: { id: string; slug: string; name: string };
    token: TokenMail & { expiresAt: Date; lastUsed: string };
    creatorEmail: string | null;
    daysBefore: number;
    daysLeft: number;
  },
): Promise<number> {
  const admins = await tx.membership.findMany({ where: { orgId: args.org.id, role: "ADMIN" }, select: { user: { select: { email: true } } } });
  const recipients = new Map<string, TokenExpiringEmailProps["reason"]>();
  if (args.creatorEmail) recipients.set(args.creatorEmail, "creator");
  for (const { user } of admins) if (!recipients.has(user.email)) recipients.set(user.email, "admin");
  if (recipients.size === 0) return 0;
  const base: Omit<TokenExpiringEmailProps, "reason"> = {
    kindLabel: KINDS[args.token.kind].label,
    tokenName: args.token.name,
    scope: scopeLabel(args.token),
    orgName: args.org.name,
    masked: args.token.masked,
    daysLeft: args.daysLeft,
    expiresAt: args.token.expiresAt.toISOString().replace("T", " ").replace(/:\d{2}\.\d+Z$/, " UTC"),
    lastUsed: args.token.lastUsed,
    link: tokenLink(args.org.slug, args.token),
  };
  const subject = `[${args.org.name}] ${base.kindLabel} "${args.token.name}" expires ${expiresIn(args.daysLeft)}`;
  const rows = [];
  for (const [to, reason] of recipients) {
    const props = { ...base, reason };
    rows.push({
      orgId: args.org.id,
      to,
      subject,
      html: await render(TokenExpiringEmail(props)),
      text: tokenExpiringText(props),
      idempotencyKey: `token-expiring:${args.token.id}:${args.daysBefore}:${args.token.expiresAt.getTime()}:${to}`,
    });
  }
  await tx.outboxEmail.createMany({ data: rows, skipDuplicates: true });
  return rows.length;
}

/**
 * Queues the invitee's e-mail. It carries the invitation link (a secret), so its
 * body is stored sealed and opened only to send it or show it in the dev mailbox.
 * `eventId` makes the provider drop a repeated send of the same mail.
 */
export async function queueInvitationEmail(tx: Tx, args: { orgId: string; to: string; eventId: string; props: InvitationEmailProps }): Promise<void> {
  const html = await render(InvitationEmail(args.props));
  await tx.outboxEmail.create({
    data: {
      orgId: args.orgId,
      to: args.to,
      subject: invitationSubject(args.props),
      html: seal(html),
      text: seal(invitationText(args.props)),
      sealed: true,
      idempotencyKey: `${args.eventId}:${args.to}`,
    },
  });
}

/** A queued mail's body as written, whether or not it is stored sealed. */
export function mailBody<T extends { html: string; text: string; sealed: boolean }>(mail: T): T {
  return mail.sealed ? { ...mail, html: open(mail.html), text: open(mail.text) } : mail;
}

/**
 * Queues one notice e-mail to each address (deduplicated, lower-cased), in the
 * caller's transaction. `eventId` makes the idempotency key, with the recipient.
 */
export async function queueNoticeEmails(
  tx: Tx,
  args: { orgId: string; to: string[]; subject: string; notice: NoticeEmailProps; eventId: string },
): Promise<number> {
  const recipients = [...new Set(args.to.map((e) => e.toLowerCase()))];
  if (recipients.length === 0) return 0;
  const html = await render(NoticeEmail(args.notice));
  const text = noticeText(args.notice);
  await tx.outboxEmail.createMany({
    data: recipients.map((to) => ({ orgId: args.orgId, to, subject: args.subject, html, text, idempotencyKey: `${args.eventId}:${to}` })),
  });
  return recipients.length;
}

/** The e-mail addresses of the org's admins. */
export async function adminEmails(tx: Tx, orgId: string): Promise<string[]> {
  const admins = await tx.membership.findMany({ where: { orgId, role: "ADMIN" }, select: { user: { select: { email: true } } } });
  return admins.map((a) => a.user.email);
}

/** "2026-11-23 19:07:05 UTC" */
export function utcTime(at: Date): string {
  return at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
