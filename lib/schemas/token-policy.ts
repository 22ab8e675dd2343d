/** The organization's token lifetime policy, as Settings' form posts it (docs/contract.md §2.2). Client-safe. */
import { z } from "zod";
import { MAX_LIFETIME_CHOICES, type TokenPolicy } from "@/lib/tokens/lifetime";

const LIFETIMES = ["none", ...MAX_LIFETIME_CHOICES.map(String)] as [string, ...string[]];

export const tokenPolicyInput = z
  .object({
    maxLifetimeDays: z.enum(LIFETIMES, { error: `Choose no limit or ${MAX_LIFETIME_CHOICES.join(", ")} days.` }),
    // A checkbox: "on" when ticked, absent when not.
    expiryRequired: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
  })
  .transform(({ maxLifetimeDays, expiryRequired }): TokenPolicy => {
    const max = maxLifetimeDays === "none" ? null : Number(maxLifetimeDays);
    // A maximum lifetime implies an expiry date.
    return { maxLifetimeDays: max, expiryRequired: expiryRequired || max !== null };
  });
