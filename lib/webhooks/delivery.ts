/**
 * Delivering webhooks: claims due deliveries with a lease (`FOR UPDATE SKIP
 * LOCKED`: instances never claim the same row at once, and a crashed sender's
 * lease expires so nothing is lost), signs each attempt (./signing.ts), POSTs
 * it through the egress dispatcher (the SSRF rules on the address actually
 * dialled, no redirects, a deadline), and on failure retries with exponential
 * backoff and jitter. An endpoint that has failed for DISABLE_AFTER_MS is
 * turned off and its org's admins are e-mailed.
 *
 * Delivery is at least once: a sender that dies after the receiver answered but
 * before the outcome is written leaves the row to be sent again once its lease
 * ends. Every attempt of one event carries the same `webhook-id`, so a receiver
 * drops the repeat.
 */
import "server-only";
import { performance } from "node:perf_hooks";
import { fetch, type Agent } from "undici";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/audit/record";
import { openCached } from "@/lib/crypto/secret-box";
import { adminEmails, queueNoticeEmails, utcTime } from "@/lib/email/outbox";
import { egressAgent } from "@/lib/net/egress-agent";
import { systemLookup, type Lookup } from "@/lib/net/egress";
import { publicOrigin } from "@/lib/request-info";
import { webhookHeaders } from "./signing";
import { webhookUrlProblem } from "./url";

/** Attempts per delivery: with the backoff below they span about 29 hours. */
export const MAX_ATTEMPTS = 15;
/** Longer than an attempt can take (the timeout), so a lease never ends while its attempt runs. */
export const LEASE_MS = 60_000;
/** An endpoint whose every attempt has failed for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 60 * 60_000;
const BATCH = 20;
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 6 * 60 * 60_000;

export function webhookTimeoutMs(): number {
  const v = Number(process.env.KEYSMITH_WEBHOOK_TIMEOUT_MS);
  return Number.isInteger(v) && v > 0 ? v : 10_000;
}

/**
 * The wait after the `attempts`-th failed attempt: 10 s doubling up to 6 h, each
 * within ±20 % (jitter, so endpoints that failed together do not retry together).
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

let agent: Agent | undefined;
function webhookAgent(): Agent {
  return (agent ??= egressAgent(systemLookup));
}

/** Resolves webhook hosts with `lookup` from now on (tests play DNS with it). */
export function setWebhookLookup(lookup: Lookup = systemLookup): void {
  const previous = agent;
  agent = egressAgent(lookup);
  void previous?.close().catch(() => {});
}

interface Claimed {
  id: string;
  endpointId: string;
  orgId: string;
  eventId: string;
  payload: string;
  attempts: number;
  leaseUntil: Date;
}

async function claim(db: PrismaClient, now: Date): Promise<Claimed[]> {
  // A disabled endpoint's deliveries wait for it to be enabled again; a test event is sent regardless.
  return db.$queryRaw<Claimed[]>`
    UPDATE "WebhookDelivery" SET "leaseUntil" = ${new Date(now.getTime() + LEASE_MS)}, attempts = attempts + 1
    WHERE id IN (
      SELECT d.id FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId"
      WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= ${now} AND (d."leaseUntil" IS NULL OR d."leaseUntil" < ${now})
        AND (e.enabled OR d."eventType" = 'webhook.test')
      ORDER BY d."nextAttemptAt" LIMIT ${BATCH}
      FOR UPDATE OF d SKIP LOCKED
    )
    RETURNING id, "endpointId", "orgId", "eventId", payload, attempts, "leaseUntil"`;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  error: string | null;
}

interface Target {
  url: string;
  secrets: string[];
}

/** One attempt. Never throws: every way it can fail is an outcome with a fixed message. */
export async function sendOnce(target: Target, eventId: string, payload: string): Promise<Outcome> {
  // A row saved before the rules (or written around them) is refused like an unreachable host.
  if (webhookUrlProblem(target.url)) return { ok: false, status: null, latencyMs: null, error: "The endpoint could not be reached." };
  const timeoutMs = webhookTimeoutMs();
  const started = performance.now();
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Keysmith-Webhooks/1.0",
        // Signed with the real clock: receivers refuse a timestamp far from theirs.
        ...webhookHeaders(target.secrets, eventId, payload, new Date()),
      },
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      dispatcher: webhookAgent(),
    });
    const latencyMs = Math.round(performance.now() - started);
    // Only the status matters: the receiver's body is never read, so its size cannot matter either.
    void response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    // The status says it all, except that a redirect was not followed.
    const error = response.status >= 300 && response.status < 400 ? "Redirects are not followed." : null;
    return { ok, status: response.status, latencyMs, error };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      status: null,
      latencyMs: timedOut ? timeoutMs : null,
      // A refused address reads exactly like a closed port: no map of what is listening where.
      error: timedOut ? `No answer within ${timeoutMs / 1000} s.` : "The endpoint could not be reached.",
    };
  }
}

/** The secrets that sign now: the current one, and the previous during a rotation's overlap. */
function signingSecrets(endpoint: { secretEnc: string; previousSecretEnc: string | null; previousSecretUntil: Date | null }, now: Date): string[] {
  const secrets = [openCached(endpoint.secretEnc)];
  if (endpoint.previousSecretEnc && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) secrets.push(openCached(endpoint.previousSecretEnc));
  return secrets;
}

/** Delivers what is due now; returns how many succeeded and how many failed this round. */
export async function deliverDue(db: PrismaClient, now = new Date()): Promise<{ delivered: number; failed: number }> {
  const batch = await claim(db, now);
  if (batch.length === 0) return { delivered: 0, failed: 0 };
  const endpoints = new Map(
    (
      await db.webhookEndpoint.findMany({
        where: { id: { in: [...new Set(batch.map((d) => d.endpointId))] } },
        select: { id: true, url: true, secretEnc: true, previousSecretEnc: true, previousSecretUntil: true },
      })
    ).map((e) => [e.id, e]),
  );
  const outcomes = await Promise.all(
    batch.map(async (delivery) => {
      const endpoint = endpoints.get(delivery.endpointId)!;
      let outcome: Outcome;
      try {
        outcome = await sendOnce({ url: endpoint.url, secrets: signingSecrets(endpoint, new Date()) }, delivery.eventId, delivery.payload);
      } catch {
        // A secret no configured key opens: the delivery cannot be signed.
        outcome = { ok: false, status: null, latencyMs: null, error: "The signing secret cannot be opened with the configured keys; rotate it." };
      }
      await record(db, delivery, outcome, now);
      return outcome.ok;
    }),
  );
  const delivered = outcomes.filter(Boolean).length;
  return { delivered, failed: outcomes.length - delivered };
}

/** Writes an attempt's outcome, if the lease is still ours (a row re-claimed after an expired lease belongs to its new sender). */
async function record(db: PrismaClient, d: Claimed, outcome: Outcome, now: Date): Promise<void> {
  const attemptAt = new Date();
  const last = { lastStatus: outcome.status, lastLatencyMs: outcome.latencyMs, lastError: outcome.error, lastAttemptAt: attemptAt, leaseUntil: null };
  if (outcome.ok) {
    await db.webhookDelivery.updateMany({ where: { id: d.id, leaseUntil: d.leaseUntil }, data: { ...last, status: "SUCCEEDED", deliveredAt: attemptAt } });
    await db.webhookEndpoint.updateMany({ where: { id: d.endpointId, failingSince: { not: null } }, data: { failingSince: null } });
    return;
  }
  const gaveUp = d.attempts >= MAX_ATTEMPTS;
  await db.webhookDelivery.updateMany({
    where: { id: d.id, leaseUntil: d.leaseUntil },
    data: { ...last, status: gaveUp ? "FAILED" : "PENDING", nextAttemptAt: new Date(now.getTime() + retryDelayMs(d.attempts)) },
  });
  await db.webhookEndpoint.updateMany({ where: { id: d.endpointId, failingSince: null }, data: { failingSince: now } });
  await disableIfFailingTooLong(db, d.endpointId, now);
}

/**
 * Turns off an endpoint that has failed for DISABLE_AFTER_MS with no success
 * since, with an audit entry and an e-mail to the org's admins, in one
 * transaction; the conditional update makes instances that both notice it do it once.
 */
async function disableIfFailingTooLong(db: PrismaClient, endpointId: string, now: Date): Promise<boolean> {
  const cutoff = new Date(now.getTime() - DISABLE_AFTER_MS);
  return db.$transaction(async (tx) => {
    const reason = `Disabled automatically: every delivery failed for ${DISABLE_AFTER_MS / 86_400_000} days.`;
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, enabled: true, failingSince: { lte: cutoff } },
      data: { enabled: false, disabledReason: reason },
    });
    if (count === 0) return false;
    const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({
      where: { id: endpointId },
      select: { id: true, url: true, description: true, failingSince: true, org: { select: { id: true, slug: true, name: true } } },
    });
    const { org } = endpoint;
    await audit(tx, {
      orgId: org.id,
      actor: { type: "system", id: "webhooks", label: "Keysmith" },
      action: "webhook.disabled",
      target: { type: "webhook", id: endpoint.id, label: endpoint.url },
      metadata: { reason, failingSince: endpoint.failingSince?.toISOString() ?? null },
    });
    await queueNoticeEmails(tx, {
      orgId: org.id,
      to: await adminEmails(tx, org.id),
      subject: `[${org.name}] Webhook endpoint disabled: ${endpoint.url}`,
      eventId: `webhook-disabled:${endpoint.id}:${now.getTime()}`,
      notice: {
        heading: "A webhook endpoint was disabled",
        intro: `In ${org.name}. You receive this because you are an admin of the organization.`,
        blocks: [
          {
            rows: [
              ["Endpoint", endpoint.url],
              ...(endpoint.description ? [["Description", endpoint.description] as [string, string]] : []),
              ["Failing since", endpoint.failingSince ? utcTime(endpoint.failingSince) : "—"],
              ["What happened", reason],
              ["Events meanwhile", "Kept: they are delivered when you enable the endpoint again."],
            ],
          },
        ],
        link: { href: `${publicOrigin()}/o/${org.slug}/webhooks/${endpoint.id}`, label: "Open the endpoint in Keysmith" },
        footnote: "Fix the receiver, send a test event, then enable the endpoint again.",
      },
    });
    return true;
  });
}
