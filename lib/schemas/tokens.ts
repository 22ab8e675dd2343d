/**
 * What a token's forms and the Workspace API accept (docs/contract.md §2, §7):
 * names, permissions, expiry, rotation overlap and guard rails. Client-safe:
 * the console's forms check with these before the round trip, the actions and
 * the API routes with the very same objects.
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { API_PERMISSIONS } from "@/lib/authz";
import { DEFAULT_DIRECTION, HYGIENE_FILTERS, TOKEN_SORTS } from "@/lib/tokens/hygiene";
import { requiresExpiry, type TokenPolicy } from "@/lib/tokens/lifetime";
import { DISPLAY_STATUSES } from "@/lib/tokens/status";
import { blankToUndefined, id, list } from "./form";
import { safeText } from "./text";

export const tokenName = safeText("Name", { max: 64, tooShort: "Enter a name." });
/** What the token is for (GitHub's "note"): optional, a few lines. A form posts its line breaks as CR LF: kept as LF. */
export const tokenDescription = z.preprocess(
  (v) => (typeof v === "string" ? v.replace(/\r\n?/g, "\n") : v),
  safeText("Description", { max: 500, min: 0, tooShort: "", multiline: true }),
);
export const permission = z.enum(API_PERMISSIONS);

// --- Expiry -----------------------------------------------------------------------

export const EXPIRY_CHOICES = ["7d", "30d", "90d", "custom", "never"] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];
export const EXPIRY_LABELS: Record<ExpiryChoice, string> = {
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  custom: "Custom date",
  never: "Never",
};
const DAYS: Partial<Record<ExpiryChoice, number>> = { "7d": 7, "30d": 30, "90d": 90 };

/** The expiry choices an org's lifetime policy allows (a custom date is then limited to its last day). */
export function expiryChoicesFor(policy: TokenPolicy): ExpiryChoice[] {
  return EXPIRY_CHOICES.filter((c) => {
    if (c === "never") return !requiresExpiry(policy);
    const days = DAYS[c];
    return days === undefined || policy.maxLifetimeDays === null || days <= policy.maxLifetimeDays;
  });
}

/** "2099-02-30" parses (and rolls over to March), so the date must survive a round trip. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** A custom date means "valid through that day (UTC)": it expires at the start of the next. */
function customExpiry(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);
}

const expiryFields = {
  expiration: z.enum(EXPIRY_CHOICES, { error: "Choose when the token expires." }),
  expiresOn: blankToUndefined(z.string().max(10)),
};

function checkExpiry(v: { expiration: ExpiryChoice; expiresOn?: string }, ctx: z.RefinementCtx) {
  if (v.expiration !== "custom") return;
  if (!v.expiresOn || !isCalendarDate(v.expiresOn)) {
    ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Pick a date." });
  } else if (customExpiry(v.expiresOn).getTime() <= Date.now()) {
    ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Pick a date in the future." });
  }
}

/** The create form's expiry fields on their own. */
export const expiryInput = z.object(expiryFields).superRefine(checkExpiry);

/** When a token chosen with the form's expiry fields expires (null: never). */
export function expiresAt(input: { expiration: ExpiryChoice; expiresOn?: string }, now = new Date()): Date | null {
  if (input.expiration === "never") return null;
  if (input.expiration === "custom") return customExpiry(input.expiresOn ?? "");
  return new Date(now.getTime() + (DAYS[input.expiration] ?? 0) * 86_400_000);
}

// --- Rotation overlap -------------------------------------------------------------

export const OVERLAP_CHOICES = ["none", "1h", "24h", "7d"] as const;
export type OverlapChoice = (typeof OVERLAP_CHOICES)[number];
export const OVERLAP_LABELS: Record<OverlapChoice, string> = {
  none: "None — the old secret stops working now",
  "1h": "1 hour",
  "24h": "24 hours",
  "7d": "7 days",
};
const OVERLAP_MS: Record<OverlapChoice, number> = { none: 0, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };
export function overlapMs(choice: OverlapChoice): number {
  return OVERLAP_MS[choice];
}

// --- Guard rails ------------------------------------------------------------------

/** Normalizes one allowlist entry ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32"), or explains what is wrong with it. */
export function parseIpRule(raw: string): { rule: string } | { error: string } {
  const entry = raw.trim();
  if (entry.includes("%")) return { error: `"${entry}" has a zone ID; use a plain address or range.` };
  const [address, prefix, extra] = entry.split("/");
  // Dotted-quad IPv4 only: "10.1" or "0x0a.0.0.1" are legal to ipaddr.js but surprising in an allowlist.
  const family = ipaddr.IPv4.isValidFourPartDecimal(address ?? "") ? 4 : ipaddr.IPv6.isValid(address ?? "") ? 6 : 0;
  if (!family || extra !== undefined) return { error: `"${entry}" is not an IP address or CIDR range.` };
  if (prefix === undefined) return { rule: address.toLowerCase() };
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return { error: `"${entry}" has an invalid prefix length (0–${max}).` };
  return { rule: `${address.toLowerCase()}/${Number(prefix)}` };
}

/** Textarea text → rules; one error names the first bad entry. */
export function parseIpAllowlist(text: string): { rules: string[] } | { error: string } {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length > 100) return { error: "At most 100 entries." };
  const rules: string[] = [];
  for (const e of entries) {
    const parsed = parseIpRule(e);
    if ("error" in parsed) return parsed;
    if (!rules.includes(parsed.rule)) rules.push(parsed.rule);
  }
  return { rules };
}

/** An optional whole number from a form field: empty = none (null); anything else gets a message naming the field. */
const optionalInt = (max: number, label: string) =>
  z.preprocess(
    (v) => (v === "" || v === null || v === undefined ? undefined : v),
    z.coerce
      .number({ error: `${label} must be a whole number.` })
      .int(`${label} must be a whole number.`)
      .min(1, `${label} must be at least 1.`)
      .max(max, `${label} is at most ${max.toLocaleString("en-US")}.`)
      .optional()
      .transform((v) => v ?? null),
  );

const rulesFields = {
  ipAllowlist: z
    .string()
    .max(5_000)
    .optional()
    .default("")
    .transform((text, ctx) => {
      const parsed = parseIpAllowlist(text);
      if ("rules" in parsed) return parsed.rules;
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }),
  rateLimitPerMinute: optionalInt(1_000_000, "The rate limit"),
  allowedModels: list(z.string().max(100))
    .pipe(z.array(z.string()).max(50, "At most 50 models."))
    .transform((models) => [...new Set(models)]),
  monthlyTokenBudget: optionalInt(2_000_000_000, "The budget"),
};

/** The guard-rail fields of the create form and of the details panel's editor, as stored. */
export const rulesInput = z.object(rulesFields);
export type TokenRules = z.output<typeof rulesInput>;

// --- The console's token forms ----------------------------------------------------

/** What every kind's create form has: a name, a description, an expiry and guard rails. */
const createCommon = z.object({ name: tokenName, description: blankToUndefined(tokenDescription), ...expiryFields, ...rulesFields });
type CreateCommon = z.output<typeof createCommon>;

/** The common part as the token service takes it, and the kind's own fields as `scope`. */
function splitCreate<T extends CreateCommon>(v: T) {
  const { name, description, expiration, expiresOn, ipAllowlist, rateLimitPerMinute, allowedModels, monthlyTokenBudget, ...scope } = v;
  const rules: TokenRules = { ipAllowlist, rateLimitPerMinute, allowedModels, monthlyTokenBudget };
  return { name, description: description || null, expiresAt: expiresAt({ expiration, expiresOn }), rules, scope };
}

export const createWorkspaceTokenForm = createCommon
  .extend({
    permissions: list(permission).pipe(z.array(permission).min(1, "Choose at least one permission.")),
    projectId: blankToUndefined(id),
  })
  .superRefine(checkExpiry)
  .transform(splitCreate);
export const createGatewayTokenForm = createCommon
  .extend({ gatewayId: z.string({ error: "Choose a gateway." }).min(1, "Choose a gateway.").max(64) })
  .superRefine(checkExpiry)
  .transform(splitCreate);
export const createOrganizationTokenForm = createCommon
  .extend({ role: z.enum(["DEVELOPER", "ADMIN"], { error: "Choose a role." }) })
  .superRefine(checkExpiry)
  .transform(splitCreate);

export const tokenRef = z.object({ id });
/** Regenerate: the overlap, and optionally a new expiry ("keep" leaves it as it is). */
export const regenerateTokenInput = z
  .object({
    id,
    overlap: z.enum(OVERLAP_CHOICES).default("none"),
    expiration: z.enum([...EXPIRY_CHOICES, "keep"]).default("keep"),
    expiresOn: blankToUndefined(z.string().max(10)),
  })
  .superRefine((v, ctx) => {
    if (v.expiration !== "keep") checkExpiry({ expiration: v.expiration, expiresOn: v.expiresOn }, ctx);
  })
  .transform(({ id, overlap, expiration, expiresOn }) => ({
    id,
    overlap,
    expiresAt: expiration === "keep" ? undefined : expiresAt({ expiration, expiresOn }),
  }));
/** Rename a token and set its description (the details panel). */
export const updateTokenDetailsInput = z.object({ id, name: tokenName, description: z.preprocess((v) => v ?? "", tokenDescription) });
export const setTokenActiveInput = z.object({ id, active: z.boolean() });
export const revokeTokenInput = z.object({ id, confirmation: z.string().max(200) });
export const tokenRulesInput = z.object({ id, ...rulesFields }).transform(({ id, ...rules }) => ({ id, rules }));

// --- The console's token lists ----------------------------------------------------

/** A list page's URL state (`?q=&sort=&dir=&filter=&status=&after=`): shareable, and what the live list polls with. Unknown values fall back to the defaults. */
export const tokenListQuery = z
  .object({
    q: z.string().max(100).optional().catch(undefined),
    status: z.enum(DISPLAY_STATUSES).optional().catch(undefined),
    filter: z.enum(HYGIENE_FILTERS).optional().catch(undefined),
    sort: z.enum(TOKEN_SORTS).default("created").catch("created"),
    dir: z.enum(["asc", "desc"]).optional().catch(undefined),
    after: z.string().max(200).optional().catch(undefined),
    before: z.string().max(200).optional().catch(undefined),
  })
  .transform((v) => ({ ...v, q: v.q?.trim() || undefined, dir: v.dir ?? DEFAULT_DIRECTION[v.sort] }));
export type TokenListQuery = z.output<typeof tokenListQuery>;
