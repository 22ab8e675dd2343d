import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

export type Actor =
  | { type: "user"; id: string; label: string }
  | { type: "token"; id: string; label: string }
  /** Keysmith itself, or a party outside the org: a secret scanner's report, the webhook sender. */
  | { type: "system"; id: string; label: string };

/** Who makes a change, in which org, from where: what every audited change records. */
export interface ChangeMeta {
  orgId: string;
  actor: Actor;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  orgId: string;
  actor: Actor;
  action: string;
  target: { type: string; id?: string | null; label?: string | null };
  metadata?: Prisma.InputJsonValue;
  ip?: string | null;
  userAgent?: string | null;
}

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

function row(entry: AuditEntry): Prisma.AuditEventCreateManyInput {
  return {
    orgId: entry.orgId,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    actorLabel: entry.actor.label,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id ?? null,
    targetLabel: entry.target.label ?? null,
    metadata: entry.metadata,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
  };
}

/** Records a change in the same transaction as the change itself: no change without its entry. */
export async function audit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({ data: row(entry) });
}

/** Several entries in one statement (a cascade revoking many tokens). */
export async function auditMany(tx: Tx, entries: AuditEntry[]): Promise<void> {
  if (entries.length) await tx.auditEvent.createMany({ data: entries.map(row) });
}

export function userActor(user: { id: string; email: string }): Actor {
  return { type: "user", id: user.id, label: user.email };
}
