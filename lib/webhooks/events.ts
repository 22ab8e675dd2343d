/**
 * Emitting webhook events: one WebhookDelivery row per subscribed endpoint,
 * written in the caller's transaction, so an event exists exactly when the
 * change that caused it does (and a rolled-back change sends nothing). The
 * worker (./worker.ts) delivers them after commit.
 *
 * Payloads follow Standard Webhooks' shape, `{type, timestamp, data}`, and
 * never carry a secret: tokens appear masked (prefix…last 4), people by name
 * and e-mail, never by internal user id.
 */
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role, TokenKind } from "@/lib/generated/prisma/enums";
import type { Actor } from "@/lib/audit/record";
import type { WebhookEventType } from "@/lib/schemas/webhooks";
import { maskToken } from "@/lib/tokens/format";
import { KINDS } from "@/lib/tokens/kinds";
import { newMessageId } from "./signing";

type Tx = Prisma.TransactionClient;

export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** The payload's `actor`: who made the change, as the audit log names them. */
export function actorData(actor: Actor): { type: string; label: string } {
  return { type: actor.type, label: actor.label };
}

/** What an event says about a token: masked, never its secret or hash. */
export interface TokenSubject {
  id: string;
  kind: TokenKind;
  name: string;
  prefix: string;
  last4: string;
  expiresAt?: Date | null;
  role?: Role | null;
  permissions?: string[];
  project?: { id: string; name: string } | null;
  gateway?: { slug: string; name: string } | null;
}

export function tokenData(t: TokenSubject) {
  return {
    id: t.id,
    kind: KINDS[t.kind].slug,
    name: t.name,
    masked: maskToken(t.prefix, t.last4),
    ...(t.expiresAt !== undefined ? { expires_at: t.expiresAt?.toISOString() ?? null } : {}),
    ...(t.kind === "WORKSPACE" && t.permissions ? { permissions: t.permissions } : {}),
    ...(t.kind === "WORKSPACE" && t.project !== undefined ? { project: t.project } : {}),
    ...(t.kind === "GATEWAY" && t.gateway ? { gateway: t.gateway } : {}),
    ...(t.kind === "ORGANIZATION" && t.role ? { role: t.role } : {}),
  };
}

/** The body of one event as sent: the exact bytes each attempt signs. */
export function eventPayload(type: string, org: { slug: string; name: string }, data: Record<string, unknown>, at = new Date()): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data: { organization: org, ...data } });
}

/**
 * Queues `events` for every enabled endpoint of the org subscribed to their
 * type (an endpoint with no types listed takes them all). Two queries when the
 * org has endpoints, one when it has none.
 */
export async function emitEvents(tx: Tx, orgId: string, events: WebhookEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const endpoints = await tx.webhookEndpoint.findMany({ where: { orgId, enabled: true }, select: { id: true, events: true } });
  if (endpoints.length === 0) return 0;
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { slug: true, name: true } });
  const at = new Date();
  const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
  for (const event of events) {
    const subscribed = endpoints.filter((e) => e.events.length === 0 || e.events.includes(event.type));
    if (subscribed.length === 0) continue;
    // One message id per event: an endpoint's receiver drops a repeat, whoever sends it again.
    const eventId = newMessageId();
    const payload = eventPayload(event.type, org, event.data, at);
    for (const endpoint of subscribed) rows.push({ endpointId: endpoint.id, orgId, eventId, eventType: event.type, payload });
  }
  if (rows.length) await tx.webhookDelivery.createMany({ data: rows });
  return rows.length;
}

export function emitEvent(tx: Tx, orgId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<number> {
  return emitEvents(tx, orgId, [{ type, data }]);
}

/**
 * The hook for the expiry-reminder scheduler: call it in the transaction that
 * records the reminder, once per token and reminder (`daysLeft` = whole days
 * until `expiresAt`). Emits `token.expiring` to the org's endpoints; the
 * scheduler decides when and how often.
 */
export function emitTokenExpiring(tx: Tx, token: TokenSubject & { orgId: string; expiresAt: Date }, daysLeft: number): Promise<number> {
  return emitEvent(tx, token.orgId, "token.expiring", { token: tokenData(token), days_left: daysLeft });
}
