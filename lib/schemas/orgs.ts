/** Organizations (docs/contract.md §1): what the create and rename forms accept. Client-safe. */
import { z } from "zod";
import { safeText } from "./text";

export const SLUG_PATTERN = /^[a-z0-9-]{2,40}$/;
export const slug = z.string().trim().regex(SLUG_PATTERN, "Use 2–40 lowercase letters, digits and hyphens.");
export const orgName = safeText("Organization name", { min: 2, max: 80, tooShort: "Use at least 2 characters." });

export const orgInput = z.object({ name: orgName });

/** Deleting an org: its slug, typed. */
export const deleteOrgInput = z.object({ confirm: z.string().trim().max(80) });

/** "Acme Labs, Inc." → "acme-labs-inc" (falls back to "org" when nothing usable is left). */
export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/g, "");
  return s.length >= 2 ? s : "org";
}
