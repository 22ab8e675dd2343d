/**
 * Token hygiene: which live tokens want attention (never used, unused for a
 * month, expiring soon, expired, beyond the org's lifetime policy), and the
 * list's search, sort and filter vocabulary. Client-safe: the list's badges use
 * these rules, its filters send these names, and lib/tokens/list.ts turns the
 * same names and thresholds into SQL.
 */
import type { DisplayStatus } from "./status";

const DAY_MS = 86_400_000;
/** "Unused for 30 days": no successful call for this long. */
export const UNUSED_DAYS = 30;

export const HYGIENE_FILTERS = ["never_used", "unused_30d", "expiring_7d", "expiring_30d", "expired", "beyond_policy"] as const;
export type HygieneFilter = (typeof HYGIENE_FILTERS)[number];
export const HYGIENE_LABELS: Record<HygieneFilter, string> = {
  never_used: "Never used",
  unused_30d: `Unused for ${UNUSED_DAYS} days`,
  expiring_7d: "Expires in 7 days",
  expiring_30d: "Expires in 30 days",
  expired: "Expired",
  beyond_policy: "Beyond the lifetime policy",
};
/** Days ahead for the "expires in N days" filters. */
export const EXPIRING_DAYS: Partial<Record<HygieneFilter, number>> = { expiring_7d: 7, expiring_30d: 30 };

export const TOKEN_SORTS = ["created", "last_used", "usage", "expiry"] as const;
export type TokenSort = (typeof TOKEN_SORTS)[number];
export type SortDirection = "asc" | "desc";
export const SORT_LABELS: Record<TokenSort, string> = { created: "Created", last_used: "Last used", usage: "Usage", expiry: "Expiry" };
/** The direction each sort starts in: newest, most recently used, most used, soonest to expire. */
export const DEFAULT_DIRECTION: Record<TokenSort, SortDirection> = { created: "desc", last_used: "desc", usage: "desc", expiry: "asc" };

interface Dated {
  status: DisplayStatus;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** Still able to work (or to be turned back on): hygiene only concerns these. */
export function isLive(t: { status: DisplayStatus }): boolean {
  return t.status === "ACTIVE" || t.status === "INACTIVE";
}

export interface HygieneBadge {
  label: string;
  tone: "zinc" | "amber" | "red";
  title: string;
}

/** "Expires in 3 days", "Expires in 5 hours". */
export function expiresInWords(expiresAt: string, now: number): string {
  const ms = new Date(expiresAt).getTime() - now;
  if (ms < DAY_MS) {
    const hours = Math.max(1, Math.ceil(ms / 3_600_000));
    return `Expires in ${hours} ${hours === 1 ? "hour" : "hours"}`;
  }
  const days = Math.ceil(ms / DAY_MS);
  return `Expires in ${days} days`;
}

/** Days ahead within which a live token's expiry earns a badge. */
export const EXPIRY_BADGE_DAYS = 7;

/** The badges a live token gets: how (un)used it is, and how soon it expires (within a week). */
export function hygieneBadges(t: Dated, now: number): HygieneBadge[] {
  if (!isLive(t)) return [];
  const badges: HygieneBadge[] = [];
  if (!t.lastUsedAt) {
    badges.push({ label: "Never used", tone: "zinc", title: "No successful call yet" });
  }
  const idleSince = new Date(t.lastUsedAt ?? t.createdAt).getTime();
  const idleDays = Math.floor((now - idleSince) / DAY_MS);
  if (idleDays >= UNUSED_DAYS) {
    badges.push({ label: `Unused for ${idleDays} days`, tone: "amber", title: t.lastUsedAt ? "No successful call since its last use" : "Never used since it was created" });
  }
  if (t.expiresAt) {
    const left = new Date(t.expiresAt).getTime() - now;
    if (left <= EXPIRY_BADGE_DAYS * DAY_MS) {
      badges.push({ label: expiresInWords(t.expiresAt, now), tone: left <= DAY_MS ? "red" : "amber", title: `Expires ${t.expiresAt.replace("T", " ").slice(0, 16)} UTC` });
    }
  }
  return badges;
}

/** A search that names a token by its prefix or its masked form (`ksw_AbC1…9xYz`), as opposed to a name. */
export interface TokenNeedle {
  prefix: string;
  last4: string | null;
}

const MASKED = /^(ks[wgo]_[0-9A-Za-z]{0,4})(?:\s*(?:…|\.{2,3})\s*([0-9A-Za-z]{4}))?$/;
const FULL = /^(ks[wgo]_[0-9A-Za-z]{4})[0-9A-Za-z]{28}([0-9A-Za-z]{4})$/;

/** Reads a prefix or a masked token from a search; a whole token is reduced to its masked form (its secret is not needed). */
export function tokenNeedle(q: string): TokenNeedle | null {
  const text = q.trim();
  const full = FULL.exec(text);
  if (full) return { prefix: full[1], last4: full[2] };
  const masked = MASKED.exec(text);
  return masked ? { prefix: masked[1], last4: masked[2] ?? null } : null;
}

/**
 * What a search box may put in a URL: a pasted whole token becomes its masked
 * form, so a secret never lands in the address bar, history or logs.
 */
export function safeSearch(q: string): string {
  const text = q.trim();
  const full = FULL.exec(text);
  return full ? `${full[1]}…${full[2]}` : text.slice(0, 100);
}
