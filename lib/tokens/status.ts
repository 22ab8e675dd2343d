import { z } from "zod";

/** What a user sees: the stored status, with EXPIRED derived from the expiry (SPEC §2). */
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

// --- Expiration -------------------------------------------------------------

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

export const expirySchema = z
  .object({
    expiration: z.enum(EXPIRY_CHOICES, { error: "Choose when the token expires." }),
    expiresOn: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.expiration !== "custom") return;
    if (!v.expiresOn || !isCalendarDate(v.expiresOn)) {
      ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Pick a date." });
    } else if (customExpiry(v.expiresOn).getTime() <= Date.now()) {
      ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Pick a date in the future." });
    }
  });

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

export function expiresAt(input: z.infer<typeof expirySchema>, now = new Date()): Date | null {
  if (input.expiration === "never") return null;
  if (input.expiration === "custom") return customExpiry(input.expiresOn ?? "");
  return new Date(now.getTime() + (DAYS[input.expiration] ?? 0) * 86_400_000);
}
