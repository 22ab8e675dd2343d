import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export const AUDIT_PAGE_SIZE = 50;

export const AUDIT_ACTIONS = [
  "token.created",
  "token.regenerated",
  "token.activated",
  "token.deactivated",
  "token.revoked",
  "token.rules_updated",
  "token.overlap_ended",
  "token.ip_denied",
  "token.leaked",
  "gateway.created",
  "gateway.updated",
  "gateway.deleted",
  "project.created",
  "project.renamed",
  "project.deleted",
  "member.invited",
  "member.invitation_revoked",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "org.created",
  "org.renamed",
  "org.leak_policy_changed",
  "webhook.created",
  "webhook.updated",
  "webhook.secret_rotated",
  "webhook.enabled",
  "webhook.disabled",
  "webhook.deleted",
] as const;

/** LIKE's wildcards and its escape character, taken literally (Prisma's `contains` passes them through). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Newest first, filtered by action and by actor (e-mail or token name, case-insensitive substring). */
export async function listAuditEvents(db: PrismaClient, orgId: string, opts: { action?: string; actor?: string; page?: number }) {
  const where: Prisma.AuditEventWhereInput = {
    orgId,
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.actor ? { actorLabel: { contains: likeLiteral(opts.actor), mode: "insensitive" } } : {}),
  };
  const total = await db.auditEvent.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(opts.page ?? 1, 1), pageCount);
  const items = await db.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE,
  });
  return { items, total, page, pageCount };
}
