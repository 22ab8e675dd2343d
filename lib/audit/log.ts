import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { referencedIds, type AuditNames } from "./describe";

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
  "token.updated",
  "gateway.created",
  "gateway.updated",
  "gateway.deleted",
  "project.created",
  "project.renamed",
  "project.deleted",
  "member.invited",
  "member.invitation_revoked",
  "member.invitation_resent",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "member.left",
  "org.created",
  "org.renamed",
  "audit.exported",
  "org.leak_policy_changed",
  "org.token_policy_updated",
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

export interface AuditFilters {
  action?: string;
  /** Case-insensitive substring of the actor's e-mail or token name. */
  actor?: string;
  /** From the start of this UTC day, through the end of that one ("YYYY-MM-DD"). */
  from?: string;
  to?: string;
}

/** The start of a "YYYY-MM-DD" UTC day, plus `days`; null for anything that is not a real date. */
function dayStart(day: string | undefined, days = 0): Date | null {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  // Date.parse rolls 2026-02-31 over into March: only a day that reads back the same is real.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return null;
  return new Date(ms + days * 86_400_000);
}

function where(orgId: string, f: AuditFilters): Prisma.AuditEventWhereInput {
  const createdAt: Prisma.DateTimeFilter = {};
  const from = dayStart(f.from);
  const to = dayStart(f.to, 1);
  if (from) createdAt.gte = from;
  if (to) createdAt.lt = to;
  return {
    orgId,
    ...(f.action ? { action: f.action } : {}),
    ...(f.actor ? { actorLabel: { contains: likeLiteral(f.actor), mode: "insensitive" } } : {}),
    ...(from || to ? { createdAt } : {}),
  };
}

/** Newest first, filtered by action, actor and UTC days. */
export async function listAuditEvents(db: PrismaClient, orgId: string, opts: AuditFilters & { page?: number }) {
  const filter = where(orgId, opts);
  const total = await db.auditEvent.count({ where: filter });
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(opts.page ?? 1, 1), pageCount);
  const items = await db.auditEvent.findMany({
    where: filter,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE,
  });
  return { items, total, page, pageCount, names: await auditNames(db, orgId, items) };
}

/** The names of the projects and gateways the entries mention, one query per kind (deleted ones are absent). */
export async function auditNames(db: PrismaClient, orgId: string, items: Array<{ metadata: unknown }>): Promise<AuditNames> {
  const ids = items.map((e) => referencedIds(e.metadata));
  const projectIds = [...new Set(ids.flatMap((i) => i.projects))];
  const gatewayIds = [...new Set(ids.flatMap((i) => i.gateways))];
  const [projects, gateways] = await Promise.all([
    projectIds.length ? db.project.findMany({ where: { orgId, id: { in: projectIds } }, select: { id: true, name: true } }) : [],
    gatewayIds.length ? db.gateway.findMany({ where: { orgId, id: { in: gatewayIds } }, select: { id: true, name: true } }) : [],
  ]);
  return { projects: new Map(projects.map((p) => [p.id, p.name])), gateways: new Map(gateways.map((g) => [g.id, g.name])) };
}

/** At most this many entries per export: a year of a busy org fits; narrow the dates for more. */
export const AUDIT_EXPORT_LIMIT = 100_000;

/** Every entry the filters match, newest first (up to the limit), with the names they mention. */
export async function exportAuditEvents(db: PrismaClient, orgId: string, filters: AuditFilters) {
  const items = await db.auditEvent.findMany({
    where: where(orgId, filters),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: AUDIT_EXPORT_LIMIT,
  });
  return { items, names: await auditNames(db, orgId, items), truncated: items.length === AUDIT_EXPORT_LIMIT };
}
