/**
 * How an audit entry reads in the console and its exports: each metadata field
 * as a label and a readable value (names for ids, labels for enums, dates in
 * words), never `[object Object]` or a raw id. Unknown fields (an action added
 * later) still read sensibly: their key is humanized and their value flattened.
 * Client-safe and pure.
 */
import { API_PERMISSION_LABELS, ROLE_LABELS, type ApiPermission } from "@/lib/authz";
import type { Role, TokenKind } from "@/lib/generated/prisma/enums";
import { UPSTREAM_LABELS } from "@/lib/schemas/gateways";
import { KINDS } from "@/lib/tokens/kinds";

export interface AuditDetail {
  label: string;
  value: string;
  /** Shown in a monospace face (masked tokens, addresses). */
  mono?: boolean;
}

/** Names for the ids an entry's metadata may hold, resolved by the page (absent: since deleted). */
export interface AuditNames {
  projects: Map<string, string>;
  gateways: Map<string, string>;
}

const LABELS: Record<string, string> = {
  kind: "Kind",
  masked: "Token",
  permissions: "Permissions",
  role: "Role",
  projectId: "Project",
  gatewayId: "Gateway",
  expiresAt: "Expires",
  from: "From",
  to: "To",
  previous: "Previous secret",
  previousValidUntil: "Previous secret valid until",
  revokedTokens: "Tokens revoked",
  reason: "Reason",
  mintedBy: "Minted by",
  slug: "Slug",
  upstreamType: "Upstream",
  upstreamBaseUrl: "Upstream URL",
  models: "Models",
  upstreamKeyReplaced: "Upstream key replaced",
  upstreamKeyCleared: "Upstream key cleared",
  ip: "Address",
  allowlist: "IP allowlist",
  ipAllowlist: "IP allowlist",
  rateLimitPerMinute: "Rate limit",
  allowedModels: "Models allowed",
  monthlyTokenBudget: "Monthly budget",
  maxLifetimeDays: "Maximum lifetime (days)",
  expiryRequired: "Expiry required",
};

const MONO = new Set(["masked", "previous", "ip", "slug", "upstreamBaseUrl", "allowlist", "ipAllowlist"]);

/** "previousValidUntil" → "Previous valid until". */
function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

export function formatUtc(value: Date | string): string {
  const d = new Date(value);
  const date = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC" });
  return `${date}, ${time} UTC`;
}

function plain(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (typeof value === "string") return ISO.test(value) ? formatUtc(value) : value;
  if (Array.isArray(value)) return value.length ? value.map(plain).join(", ") : "none";
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.name === "string") return o.name;
    if ("from" in o && "to" in o && Object.keys(o).length === 2) return `${plain(o.from)} → ${plain(o.to)}`;
    return Object.entries(o)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${LABELS[k] ?? humanize(k)}: ${plain(v)}`)
      .join("; ");
  }
  return String(value);
}

function valueOf(key: string, value: unknown, names: AuditNames): string {
  switch (key) {
    case "kind":
      return typeof value === "string" && value in KINDS ? KINDS[value as TokenKind].label : plain(value);
    case "role":
      return typeof value === "string" && value in ROLE_LABELS ? ROLE_LABELS[value as Role] : plain(value);
    case "permissions":
      return Array.isArray(value) && value.length
        ? value.map((p) => API_PERMISSION_LABELS[p as ApiPermission] ?? String(p)).join(", ")
        : "none";
    case "projectId":
      return typeof value === "string" ? (names.projects.get(value) ?? "a deleted project") : "All projects";
    case "gatewayId":
      return typeof value === "string" ? (names.gateways.get(value) ?? "a deleted gateway") : "—";
    case "expiresAt":
      return value ? plain(value) : "Never";
    case "rateLimitPerMinute":
      return typeof value === "number" ? `${value.toLocaleString("en-US")} requests a minute` : "none";
    case "monthlyTokenBudget":
      return typeof value === "number" ? `${value.toLocaleString("en-US")} model tokens a month` : "none";
    case "upstreamType":
      return typeof value === "string" && value in UPSTREAM_LABELS ? UPSTREAM_LABELS[value as keyof typeof UPSTREAM_LABELS] : plain(value);
    default:
      return plain(value);
  }
}

/** Fields whose absence says nothing (an empty list of rules, no project on a gateway token). */
function worthShowing(key: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (value === null) return key === "expiresAt"; // "Never" says something; other empty fields do not
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.values(value as object).some((v) => v !== null && !(Array.isArray(v) && v.length === 0));
  return true;
}

/** An entry's metadata as label/value pairs, in the order it was recorded. Nested rule objects are spread. */
export function describeAudit(metadata: unknown, names: AuditNames): AuditDetail[] {
  if (!metadata || typeof metadata !== "object" || Array.isArray(metadata)) return [];
  const out: AuditDetail[] = [];
  const add = (key: string, value: unknown) => {
    if (!worthShowing(key, value)) return;
    out.push({ label: LABELS[key] ?? humanize(key), value: valueOf(key, value, names), mono: MONO.has(key) });
  };
  // The database keeps JSON keys in its own order: "from" still reads before "to".
  const entries = Object.entries(metadata as Record<string, unknown>).sort(([a], [b]) => (a === "from" && b === "to" ? -1 : a === "to" && b === "from" ? 1 : 0));
  for (const [key, value] of entries) {
    if (key === "rules" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) add(k, v);
    } else {
      add(key, value);
    }
  }
  return out;
}

/** The ids an entry's metadata names, so the page can look their names up in one query per kind. */
export function referencedIds(metadata: unknown): { projects: string[]; gateways: string[] } {
  const m = (metadata && typeof metadata === "object" ? metadata : {}) as Record<string, unknown>;
  return {
    projects: typeof m.projectId === "string" ? [m.projectId] : [],
    gateways: typeof m.gatewayId === "string" ? [m.gatewayId] : [],
  };
}

/**
 * A user agent in a few words: "Chrome 131 on Windows", "curl 8.5", "python-requests 2.31".
 * The full string stays available on hover and in exports.
 */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return "";
  const client = /^(curl|Wget|python-requests|python-httpx|axios|node-fetch|undici|Go-http-client|okhttp|PostmanRuntime|insomnia|Anthropic\/JS|Anthropic\/Python)\/([\d.]+)/i.exec(ua);
  if (client) return `${client[1]} ${client[2]}`;
  if (/^node$/i.test(ua.trim())) return "Node.js";
  const browser = BROWSERS.map(([name, pattern]) => [name, pattern.exec(ua)?.[1]] as const).find(([, version]) => version);
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  if (browser) return `${browser[0]} ${browser[1]}${os ? ` on ${os}` : ""}`;
  const first = /^([A-Za-z][\w.-]*)\/([\w.]+)/.exec(ua);
  return first ? `${first[1]} ${first[2]}` : ua.slice(0, 40);
}

/** First match wins: Edge and headless Chrome also say "Chrome", Chrome also says "Safari". */
const BROWSERS: Array<[string, RegExp]> = [
  ["Edge", /Edg\/(\d+)/],
  ["Firefox", /Firefox\/(\d+)/],
  ["Headless Chrome", /HeadlessChrome\/(\d+)/],
  ["Chrome", /Chrome\/(\d+)/],
  ["Safari", /Version\/(\d+)[\d.]* .*Safari\//],
];
const SYSTEMS: Array<[string, RegExp]> = [
  ["Windows", /Windows/],
  ["iOS", /iPhone|iPad/],
  ["macOS", /Mac OS X/],
  ["Android", /Android/],
  ["Linux", /Linux/],
];
