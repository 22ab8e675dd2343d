/**
 * Webhooks: what their forms and actions accept. Client-safe: the console checks with these before the round trip,
 * the server with the very same objects. Which addresses a webhook URL may
 * reach is the server's business (lib/webhooks/url.ts, docs/contract.md §9).
 */
import { z } from "zod";
import { blankToUndefined, id, list } from "./form";
import { safeText } from "./text";
import { OVERLAP_CHOICES } from "./tokens";

/** Every event an endpoint can subscribe to (docs/webhooks.md lists their payloads). */
export const WEBHOOK_EVENT_TYPES = [
  "token.created",
  "token.regenerated",
  "token.revoked",
  "token.expiring",
  "token.leaked",
  "member.added",
  "member.removed",
  "member.role_changed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send test event", to the endpoint it is asked for, whatever it subscribes to. */
export const TEST_EVENT_TYPE = "webhook.test";

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  "token.created": "A token was created",
  "token.regenerated": "A token got a new secret",
  "token.revoked": "A token was revoked (each token of a cascade too)",
  "token.expiring": "A token expires soon",
  "token.leaked": "A token was reported leaked",
  "member.added": "Someone joined the organization",
  "member.removed": "A member was removed",
  "member.role_changed": "A member's role changed",
};

/**
 * What is wrong with a webhook URL's shape, or null: http(s), no credentials,
 * no fragment, at most 2,000 characters. A query is allowed (receivers often
 * route on it).
 */
export function webhookUrlShapeProblem(raw: string): string | null {
  if (raw.length > 2_000) return "Use a URL of at most 2,000 characters.";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the endpoint's URL, e.g. https://example.com/keysmith-webhooks";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Use an http:// or https:// URL.";
  if (url.username || url.password) return "Remove the credentials (user:password@) from the URL: deliveries are signed instead.";
  if (url.hash || url.href.includes("#")) return "Remove the fragment (#…): it is never sent.";
  return null;
}

const webhookUrl = z
  .string({ error: "Enter the endpoint's URL." })
  .trim()
  .min(1, "Enter the endpoint's URL.")
  .superRefine((v, ctx) => {
    const problem = webhookUrlShapeProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** "all", or the chosen types (the form posts a radio and checkboxes; code passes a list). */
const eventSelection = {
  eventScope: z.enum(["all", "some"], { error: "Choose which events to send." }),
  events: list(z.enum(WEBHOOK_EVENT_TYPES, { error: "Not an event type." })),
};

function checkEvents(v: { eventScope: "all" | "some"; events: WebhookEventType[] }, ctx: z.RefinementCtx) {
  if (v.eventScope === "some" && v.events.length === 0) ctx.addIssue({ code: "custom", path: ["events"], message: "Choose at least one event, or send them all." });
}

const endpointFields = z.object({
  url: webhookUrl,
  description: blankToUndefined(safeText("Description", { max: 200, min: 0, tooShort: "" })),
  ...eventSelection,
});

export const webhookEndpointInput = endpointFields.superRefine(checkEvents);
export type WebhookEndpointInput = z.output<typeof webhookEndpointInput>;
export const webhookEndpointUpdate = endpointFields.extend({ id }).superRefine(checkEvents);

/** The events an endpoint stores: an empty list means every type, now and future. */
export function storedEvents(v: { eventScope: "all" | "some"; events: WebhookEventType[] }): WebhookEventType[] {
  return v.eventScope === "all" ? [] : [...new Set(v.events)];
}

export const endpointRef = z.object({ id });
export const setEndpointEnabledInput = z.object({ id, enabled: z.enum(["true", "false"]).transform((v) => v === "true") });
export const redeliverInput = z.object({ id: id, deliveryId: id });
/** The same overlap choices as a token's rotation; by default the old secret keeps signing for 24 hours. */
export const rotateWebhookSecretInput = z.object({ id, overlap: z.enum(OVERLAP_CHOICES).default("24h") });
