/** Rotation overlap choices (SPEC §9). No server imports: the regenerate dialog uses these too. */
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
