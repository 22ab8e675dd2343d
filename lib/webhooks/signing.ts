/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each
 * delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds, the time
 * of the attempt: receivers refuse stale ones) and `webhook-signature`, a
 * space-separated list of `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one
 * per secret in use: during a rotation both the new and the previous secret
 * sign, so a receiver still holding either accepts the delivery.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` + 32 random bytes in base64, the form receivers' libraries expect. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** The HMAC key a `whsec_…` secret stands for. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/** A new message id: `msg_` + 16 random bytes, the `webhook-id` every attempt of one event shares. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

export function webhookSignature(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const signed = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac("sha256", keyOf(secret)).update(signed).digest("base64")}`).join(" ");
}

/** The three headers of one attempt, signed now. */
export function webhookHeaders(secrets: string[], id: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": webhookSignature(secrets, id, timestamp, body),
  };
}
