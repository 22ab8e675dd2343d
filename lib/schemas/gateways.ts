/**
 * Gateways: what the gateway form accepts. Client-safe: the URL's shape is
 * checked here; which addresses it may reach is the server's business
 * (lib/net/egress.ts, docs/contract.md §9), checked when the gateway is saved.
 */
import { z } from "zod";
import { blankToUndefined, id } from "./form";
import { slug } from "./orgs";
import { safeText } from "./text";

export const UPSTREAM_TYPES = ["ECHO", "ANTHROPIC"] as const;
/** What the console calls each upstream type (form, list, audit log). */
export const UPSTREAM_LABELS: Record<(typeof UPSTREAM_TYPES)[number], string> = { ECHO: "Echo (built in)", ANTHROPIC: "Anthropic-compatible" };

/** "a, b\nc" → ["a", "b", "c"] (deduplicated). */
export function parseModelList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((m) => m.trim()).filter(Boolean))];
}

const model = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._:@/-]+$/, "Model names use letters, digits and . _ : @ / -");
/** The form posts a textarea ("a, b\nc"); code passes a list. */
const models = z.preprocess((v) => (typeof v === "string" ? parseModelList(v) : (v ?? [])), z.array(model).max(50, "At most 50 models."));

/**
 * What is wrong with an upstream base URL's shape, or null: http(s), no
 * credentials, query or fragment (a key goes in its own field, encrypted).
 */
export function baseUrlShapeProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the upstream's base URL, e.g. https://api.anthropic.com";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Use an http:// or https:// URL.";
  if (url.username || url.password) return "Remove the credentials (user:password@) from the URL: put the key in the upstream API key field.";
  // The parser keeps an empty "?" or "#"; neither character can survive in a parsed path.
  if (url.search || url.href.includes("?")) return "Remove the query (?…): a base URL has none.";
  if (url.hash || url.href.includes("#")) return "Remove the fragment (#…): a base URL has none.";
  return null;
}

const gatewayFields = z.object({
  name: safeText("Name", { max: 64, tooShort: "Enter a name." }),
  slug,
  upstreamType: z.enum(UPSTREAM_TYPES, { error: "Choose an upstream." }),
  upstreamBaseUrl: blankToUndefined(z.string().trim().max(500)),
  /** Empty = keep the stored key (edit) / none (create). */
  upstreamApiKey: blankToUndefined(z.string().max(500)),
  models,
});

function checkUpstream(v: z.output<typeof gatewayFields>, ctx: z.RefinementCtx) {
  if (v.upstreamType !== "ANTHROPIC") return;
  const problem = baseUrlShapeProblem(v.upstreamBaseUrl ?? "");
  if (problem) ctx.addIssue({ code: "custom", path: ["upstreamBaseUrl"], message: problem });
  if (v.models.length === 0) ctx.addIssue({ code: "custom", path: ["models"], message: "List at least one model callers may use." });
}

export const gatewayInput = gatewayFields.superRefine(checkUpstream);
export type GatewayInput = z.output<typeof gatewayInput>;
export const gatewayUpdate = gatewayFields.extend({ id }).superRefine(checkUpstream);
export const gatewayDelete = z.object({ id, confirmation: z.string().max(100) });
