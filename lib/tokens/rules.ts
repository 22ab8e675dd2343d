/**
 * Per-token guard rails (SPEC §9): IP/CIDR allowlists, a requests-per-minute
 * limit, and for gateway tokens a model allowlist and a monthly token budget.
 * Everything here runs on the verification hot path, so checks are in-memory.
 */
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { singleton } from "@/lib/singleton";

// --- IP allowlist ---------------------------------------------------------------

/** Normalizes one allowlist entry ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32"), or explains what is wrong with it. */
export function parseIpRule(raw: string): { rule: string } | { error: string } {
  const entry = raw.trim();
  if (entry.includes("%")) return { error: `"${entry}" has a zone ID; use a plain address or range.` };
  const [address, prefix, extra] = entry.split("/");
  const family = isIP(address ?? "");
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

export interface IpMatcher {
  allows(ip: string | null): boolean;
}

/**
 * One BlockList per address family: a single list would match IPv4 callers
 * against IPv6 ranges in their ::ffff: form, so "::/0" would admit every IPv4 address.
 */
export function compileAllowlist(rules: string[]): IpMatcher | null {
  if (rules.length === 0) return null;
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const rule of rules) {
    const [address, prefix] = rule.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) lists[type].addAddress(address, type);
    else lists[type].addSubnet(address, Number(prefix), type);
  }
  // A token is called from few addresses, and BlockList.check parses the address every time
  // (~6 µs): remember the answers (the matcher lives as long as its cached token).
  const answers = new Map<string, boolean>();
  return {
    allows(ip) {
      if (!ip) return false;
      let ok = answers.get(ip);
      if (ok === undefined) {
        const family = isIP(ip);
        const type = family === 6 ? "ipv6" : "ipv4";
        ok = family !== 0 && lists[type].check(ip, type);
        if (answers.size >= MAX_REMEMBERED_ADDRESSES) answers.clear();
        answers.set(ip, ok);
      }
      return ok;
    },
  };
}
const MAX_REMEMBERED_ADDRESSES = 1_000;

// --- Rate limit ------------------------------------------------------------------

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current minute's window resets. */
  resetSeconds: number;
}

type Window = { minute: number; count: number };
const windows = singleton("rate-windows", () => new Map<string, Window>());

/**
 * A fixed one-minute window per token (UTC minutes), counted in this process:
 * exact on one instance; with N instances behind a balancer a token can make
 * at most N × limit calls in a minute (documented bound).
 */
export function takeRate(tokenId: string, limit: number, nowMs = Date.now()): RateDecision {
  return rateWindow(tokenId, limit, nowMs, true);
}

/** The window as it stands, without using it up: for responses refused before the limit applies. */
export function peekRate(tokenId: string, limit: number, nowMs = Date.now()): RateDecision {
  return rateWindow(tokenId, limit, nowMs, false);
}

function rateWindow(tokenId: string, limit: number, nowMs: number, take: boolean): RateDecision {
  const minute = Math.floor(nowMs / 60_000);
  let w = windows.get(tokenId);
  if (!w || w.minute !== minute) {
    w = { minute, count: 0 };
    windows.set(tokenId, w);
    if (windows.size > 100_000) {
      for (const [id, old] of windows) if (old.minute !== minute) windows.delete(id);
    }
  }
  const resetSeconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000));
  if (w.count >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
  if (take) w.count++;
  return { allowed: true, limit, remaining: limit - w.count, resetSeconds };
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(d.limit),
    "x-ratelimit-remaining": String(d.remaining),
    "x-ratelimit-reset": String(d.resetSeconds),
  };
}

// --- Form input ----------------------------------------------------------------------

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

export const rulesInputSchema = z
  .object({
    ipAllowlist: z.string().max(5_000).optional().default(""),
    rateLimitPerMinute: optionalInt(1_000_000, "The rate limit"),
    allowedModels: z.array(z.string().max(100)).max(50).optional().default([]),
    monthlyTokenBudget: optionalInt(2_000_000_000, "The budget"),
  })
  .transform((v, ctx) => {
    const parsed = parseIpAllowlist(v.ipAllowlist);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", path: ["ipAllowlist"], message: parsed.error });
      return z.NEVER;
    }
    return { ipAllowlist: parsed.rules, rateLimitPerMinute: v.rateLimitPerMinute, allowedModels: [...new Set(v.allowedModels)], monthlyTokenBudget: v.monthlyTokenBudget };
  });
export type TokenRules = z.output<typeof rulesInputSchema>;

export function rulesFromForm(form: FormData) {
  return {
    ipAllowlist: String(form.get("ipAllowlist") ?? ""),
    rateLimitPerMinute: String(form.get("rateLimitPerMinute") ?? ""),
    allowedModels: form.getAll("allowedModels").map(String),
    monthlyTokenBudget: String(form.get("monthlyTokenBudget") ?? ""),
  };
}

/** First day of the next UTC month: when a monthly budget resets. */
export function nextMonthStart(nowMs = Date.now()): Date {
  const d = new Date(nowMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function monthStart(nowMs = Date.now()): Date {
  const d = new Date(nowMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
