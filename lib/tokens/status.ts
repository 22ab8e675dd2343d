/** What a user sees: the stored status, with EXPIRED derived from the expiry (docs/contract.md §2). */
export type DisplayStatus = "ACTIVE" | "INACTIVE" | "EXPIRED" | "REVOKED";
export const DISPLAY_STATUSES: DisplayStatus[] = ["ACTIVE", "INACTIVE", "EXPIRED", "REVOKED"];

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  ACTIVE: "Active",
  INACTIVE: "Inactive",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
};

export function displayStatus(
  token: { status: "ACTIVE" | "INACTIVE" | "REVOKED"; expiresAt: Date | null },
  now: Date = new Date(),
): DisplayStatus {
  if (token.status === "REVOKED") return "REVOKED";
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return "EXPIRED";
  return token.status;
}

/** Only ACTIVE, unexpired tokens authenticate. */
export function authenticates(token: { status: "ACTIVE" | "INACTIVE" | "REVOKED"; expiresAt: Date | null }, now = new Date()) {
  return displayStatus(token, now) === "ACTIVE";
}

/** Which lifecycle changes a status allows: revoked is terminal, expired can still be revoked. */
export function allowedActions(status: DisplayStatus) {
  return {
    regenerate: status === "ACTIVE" || status === "INACTIVE",
    deactivate: status === "ACTIVE",
    activate: status === "INACTIVE",
    revoke: status !== "REVOKED",
  };
}
