/**
 * An org's webhook endpoints (admins): register, edit, rotate the signing
 * secret, enable/disable, delete; the deliveries log, a test event and
 * redelivery. Every change is audited in its own transaction. The signing
 * secret is sealed at rest and returned in clear only by create and rotate,
 * for the show-once modal.
 */
import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { WebhookDeliveryStatus } from "@/lib/generated/prisma/enums";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { seal } from "@/lib/crypto/secret-box";
import { DomainError } from "@/lib/errors";
import { storedEvents, TEST_EVENT_TYPE, type WebhookEndpointInput, type WebhookEventType } from "@/lib/schemas/webhooks";
import { eventPayload } from "./events";
import { generateWebhookSecret, newMessageId } from "./signing";
import { webhookUrlRefusal } from "./url";
import { kickWebhooks } from "./worker";

/** Enough for any real integration; a bound on what one org makes the sender do. */
export const MAX_ENDPOINTS_PER_ORG = 20;
export const DELIVERIES_PAGE_SIZE = 25;

const ENDPOINT_SELECT = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  disabledReason: true,
  previousSecretUntil: true,
  failingSince: true,
  createdAt: true,
} satisfies Prisma.WebhookEndpointSelect;

/** What the console shows of an endpoint: never its secret. */
export interface EndpointView {
  id: string;
  url: string;
  description: string;
  /** Empty: every event type. */
  events: WebhookEventType[];
  enabled: boolean;
  disabledReason: string | null;
  /** During a rotation's overlap: until when the previous secret also signs. */
  previousSecretUntil: string | null;
  failingSince: string | null;
  createdAt: string;
}

function toView(row: Prisma.WebhookEndpointGetPayload<{ select: typeof ENDPOINT_SELECT }>, now = new Date()): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    previousSecretUntil: row.previousSecretUntil && row.previousSecretUntil > now ? row.previousSecretUntil.toISOString() : null,
    failingSince: row.failingSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  /** Pending deliveries: when the next attempt is due. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface EndpointSummary extends EndpointView {
  lastDelivery: Pick<DeliveryView, "status" | "lastStatus" | "createdAt"> | null;
}

export async function listEndpoints(db: PrismaClient, orgId: string): Promise<EndpointSummary[]> {
  const rows = await db.webhookEndpoint.findMany({
    where: { orgId },
    orderBy: { createdAt: "asc" },
    select: { ...ENDPOINT_SELECT, deliveries: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true, lastStatus: true, createdAt: true } } },
  });
  return rows.map(({ deliveries, ...row }) => ({
    ...toView(row),
    lastDelivery: deliveries[0] ? { ...deliveries[0], createdAt: deliveries[0].createdAt.toISOString() } : null,
  }));
}

export async function endpointView(db: PrismaClient, orgId: string, id: string): Promise<EndpointView | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { id, orgId }, select: ENDPOINT_SELECT });
  return row ? toView(row) : null;
}

/** An endpoint's deliveries, newest first, a page at a time. */
export async function listDeliveries(db: PrismaClient, orgId: string, endpointId: string, page = 1) {
  const where = { endpointId, orgId };
  const total = await db.webhookDelivery.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / DELIVERIES_PAGE_SIZE));
  const current = Math.min(Math.max(page, 1), pageCount);
  const rows = await db.webhookDelivery.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (current - 1) * DELIVERIES_PAGE_SIZE,
    take: DELIVERIES_PAGE_SIZE,
  });
  const items = rows.map(deliveryView);
  return { items, total, page: current, pageCount };
}

async function checkedUrl(url: string): Promise<string> {
  const refusal = await webhookUrlRefusal(url);
  if (refusal) throw new DomainError("invalid", refusal, "url");
  return url;
}

/** Locks the endpoint's row for a change, or 404 if it is not the org's. */
async function lockEndpoint(tx: Prisma.TransactionClient, orgId: string, id: string) {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "WebhookEndpoint" WHERE id = ${id} AND "orgId" = ${orgId} FOR UPDATE`;
  if (locked.length === 0) throw new DomainError("not_found", "Webhook endpoint not found.");
  return tx.webhookEndpoint.findUniqueOrThrow({ where: { id }, select: ENDPOINT_SELECT });
}

export async function createEndpoint(db: PrismaClient, meta: ChangeMeta, input: WebhookEndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = await checkedUrl(input.url);
  const secret = generateWebhookSecret();
  const events = storedEvents(input);
  const endpoint = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`webhook-endpoints:${meta.orgId}`}))`;
    if ((await tx.webhookEndpoint.count({ where: { orgId: meta.orgId } })) >= MAX_ENDPOINTS_PER_ORG) {
      throw new DomainError("conflict", `An organization can have at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints. Delete one first.`);
    }
    const row = await tx.webhookEndpoint.create({
      data: { orgId: meta.orgId, url, description: input.description ?? "", events, secretEnc: seal(secret) },
      select: ENDPOINT_SELECT,
    });
    await audit(tx, { ...meta, action: "webhook.created", target: { type: "webhook", id: row.id, label: url }, metadata: { events, description: row.description } });
    return toView(row);
  });
  return { endpoint, secret };
}

export async function updateEndpoint(db: PrismaClient, meta: ChangeMeta, id: string, input: WebhookEndpointInput): Promise<EndpointView> {
  const url = await checkedUrl(input.url);
  const events = storedEvents(input);
  return db.$transaction(async (tx) => {
    const current = await lockEndpoint(tx, meta.orgId, id);
    const row = await tx.webhookEndpoint.update({ where: { id }, data: { url, description: input.description ?? "", events }, select: ENDPOINT_SELECT });
    await audit(tx, {
      ...meta,
      action: "webhook.updated",
      target: { type: "webhook", id, label: url },
      metadata: { ...(current.url !== url ? { previousUrl: current.url } : {}), description: row.description, events: events.length ? events : ["all"] },
    });
    return toView(row);
  });
}

/**
 * A new signing secret. With an overlap the previous one also signs every
 * delivery until then (Standard Webhooks sends both signatures), so receivers
 * can switch without losing a delivery; an older previous secret ends now.
 */
export async function rotateEndpointSecret(db: PrismaClient, meta: ChangeMeta, id: string, overlapMs: number): Promise<{ endpoint: EndpointView; secret: string }> {
  const secret = generateWebhookSecret();
  const endpoint = await db.$transaction(async (tx) => {
    await lockEndpoint(tx, meta.orgId, id);
    const { secretEnc } = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id }, select: { secretEnc: true } });
    const until = overlapMs > 0 ? new Date(Date.now() + overlapMs) : null;
    const row = await tx.webhookEndpoint.update({
      where: { id },
      data: { secretEnc: seal(secret), previousSecretEnc: until ? secretEnc : null, previousSecretUntil: until },
      select: ENDPOINT_SELECT,
    });
    await audit(tx, { ...meta, action: "webhook.secret_rotated", target: { type: "webhook", id, label: row.url }, metadata: { previousValidUntil: until?.toISOString() ?? null } });
    return toView(row);
  });
  return { endpoint, secret };
}

/** Enabling clears the failure clock (deliveries kept while it was off go out now); disabling says who did it. */
export async function setEndpointEnabled(db: PrismaClient, meta: ChangeMeta, id: string, enabled: boolean): Promise<EndpointView> {
  const view = await db.$transaction(async (tx) => {
    const current = await lockEndpoint(tx, meta.orgId, id);
    if (current.enabled === enabled) return toView(current);
    const row = await tx.webhookEndpoint.update({
      where: { id },
      data: enabled ? { enabled, disabledReason: null, failingSince: null } : { enabled, disabledReason: `Disabled by ${meta.actor.label}.` },
      select: ENDPOINT_SELECT,
    });
    await audit(tx, { ...meta, action: enabled ? "webhook.enabled" : "webhook.disabled", target: { type: "webhook", id, label: row.url } });
    return toView(row);
  });
  if (enabled) kickWebhooks();
  return view;
}

export async function deleteEndpoint(db: PrismaClient, meta: ChangeMeta, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const current = await lockEndpoint(tx, meta.orgId, id);
    await tx.webhookEndpoint.delete({ where: { id } });
    await audit(tx, { ...meta, action: "webhook.deleted", target: { type: "webhook", id, label: current.url } });
  });
}

/** Queues a `webhook.test` event for this endpoint alone (sent even while it is disabled, to check a fix). */
export async function sendTestEvent(db: PrismaClient, meta: ChangeMeta, id: string): Promise<DeliveryView> {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, orgId: meta.orgId }, select: { id: true, org: { select: { slug: true, name: true } } } });
  if (!endpoint) throw new DomainError("not_found", "Webhook endpoint not found.");
  const payload = eventPayload(TEST_EVENT_TYPE, endpoint.org, { message: "A test event from Keysmith.", sent_by: meta.actor.label });
  const row = await db.webhookDelivery.create({ data: { endpointId: id, orgId: meta.orgId, eventId: newMessageId(), eventType: TEST_EVENT_TYPE, payload } });
  kickWebhooks();
  return deliveryView(row);
}

/**
 * Sends a delivery's event again: a new delivery with the same event id and
 * body (the receiver can tell it is the same event), attempted at once.
 */
export async function redeliver(db: PrismaClient, meta: ChangeMeta, endpointId: string, deliveryId: string): Promise<DeliveryView> {
  const original = await db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId, orgId: meta.orgId } });
  if (!original) throw new DomainError("not_found", "Delivery not found.");
  if (original.status === "PENDING") throw new DomainError("conflict", "This delivery is still being attempted.");
  const row = await db.webhookDelivery.create({
    data: { endpointId, orgId: meta.orgId, eventId: original.eventId, eventType: original.eventType, payload: original.payload },
  });
  kickWebhooks();
  return deliveryView(row);
}

function deliveryView(d: Prisma.WebhookDeliveryGetPayload<object>): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastLatencyMs: d.lastLatencyMs,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.status === "PENDING" ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
