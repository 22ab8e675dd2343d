/**
 * An organization's token lifetime policy (Settings; docs/contract.md §2.2): the
 * longest a new or regenerated token may live, and whether it must expire at all.
 * Client-safe: the create forms offer only what it allows, and the token service
 * refuses the rest with the very same rule.
 */

export interface TokenPolicy {
  /** Longest lifetime in days; null: no limit. */
  maxLifetimeDays: number | null;
  /** A token must have an expiry date (implied by a maximum lifetime). */
  expiryRequired: boolean;
}

export const NO_POLICY: TokenPolicy = { maxLifetimeDays: null, expiryRequired: false };

/** What Settings offers as a maximum lifetime. */
export const MAX_LIFETIME_CHOICES = [30, 90, 365] as const;

const DAY_MS = 86_400_000;

/** Does the policy ask for an expiry date? */
export function requiresExpiry(policy: TokenPolicy): boolean {
  return policy.expiryRequired || policy.maxLifetimeDays !== null;
}

/**
 * The latest expiry the policy allows for a token whose lifetime starts at `from`
 * (null: no limit). Expiry dates are picked by day ("valid through that day, UTC"),
 * so the limit is the end of the UTC day `maxLifetimeDays` after `from`: "30 days"
 * and a custom date 30 days ahead are both allowed.
 */
export function latestExpiry(policy: TokenPolicy, from: Date): Date | null {
  if (policy.maxLifetimeDays === null) return null;
  const lastDay = Math.floor((from.getTime() + policy.maxLifetimeDays * DAY_MS) / DAY_MS) * DAY_MS;
  return new Date(lastDay + DAY_MS);
}

/** The last calendar day (UTC, "YYYY-MM-DD") a custom expiry may name, or null for no limit. */
export function lastExpiryDay(policy: TokenPolicy, from: Date): string | null {
  const latest = latestExpiry(policy, from);
  return latest ? new Date(latest.getTime() - DAY_MS).toISOString().slice(0, 10) : null;
}

export function describePolicy(policy: TokenPolicy): string {
  if (policy.maxLifetimeDays !== null) return `tokens live at most ${policy.maxLifetimeDays} days`;
  if (policy.expiryRequired) return "tokens must have an expiry date";
  return "no limit";
}

/**
 * Why a token living from `from` until `expiresAt` (null: never expires) breaks the
 * policy, in words that name the policy; null when it does not.
 */
export function lifetimeProblem(policy: TokenPolicy, from: Date, expiresAt: Date | null): string | null {
  if (!expiresAt) {
    if (!requiresExpiry(policy)) return null;
    return policy.maxLifetimeDays !== null
      ? `The organization's token policy allows a lifetime of at most ${policy.maxLifetimeDays} days: choose an expiry on or before ${lastExpiryDay(policy, from)}.`
      : "The organization's token policy requires an expiry date.";
  }
  const latest = latestExpiry(policy, from);
  if (latest && expiresAt.getTime() > latest.getTime()) {
    return `The organization's token policy allows a lifetime of at most ${policy.maxLifetimeDays} days: choose an expiry on or before ${lastExpiryDay(policy, from)}.`;
  }
  return null;
}

/** Is this live token beyond the policy (a lifetime, counted from its creation or last regeneration, longer than allowed)? */
export function beyondPolicy(policy: TokenPolicy, token: { createdAt: string; regeneratedAt: string | null; expiresAt: string | null }): boolean {
  const from = new Date(token.regeneratedAt ?? token.createdAt);
  return lifetimeProblem(policy, from, token.expiresAt ? new Date(token.expiresAt) : null) !== null;
}
