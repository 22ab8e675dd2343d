"use client";

import { useState } from "react";
import { SelectField, TextField } from "@/components/ui/field";
import { EXPIRY_LABELS, expiryChoicesFor, type ExpiryChoice } from "@/lib/schemas/tokens";
import { describePolicy, lastExpiryDay, requiresExpiry, type TokenPolicy } from "@/lib/tokens/lifetime";

/**
 * The expiry of a token being made or regenerated: only what the org's lifetime
 * policy allows is offered (no "Never" when it requires an expiry, no choice or
 * date past its maximum); the server refuses the rest with the same rule.
 * `keep` (regenerate) adds "Keep the current expiry" first.
 */
export function ExpiryFields({
  policy,
  errors,
  keep,
  defaultChoice = "30d",
}: {
  policy: TokenPolicy;
  errors: Record<string, string>;
  keep?: { label: string };
  defaultChoice?: ExpiryChoice | "keep";
}) {
  const choices = expiryChoicesFor(policy);
  const initial = defaultChoice === "keep" ? (keep ? "keep" : "30d") : choices.includes(defaultChoice) ? defaultChoice : (choices.find((c) => c !== "custom") ?? "custom");
  const [expiration, setExpiration] = useState<string>(initial);
  const [limits] = useState(() => ({
    today: new Date().toISOString().slice(0, 10),
    last: lastExpiryDay(policy, new Date()) ?? undefined,
  }));
  const hint = requiresExpiry(policy) ? `Organization policy: ${describePolicy(policy)}.` : undefined;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField label="Expiration" name="expiration" value={expiration} onChange={(e) => setExpiration(e.target.value)} hint={hint} error={errors.expiration}>
        {keep && <option value="keep">{keep.label}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {EXPIRY_LABELS[c]}
          </option>
        ))}
      </SelectField>
      {expiration === "custom" && (
        <TextField
          label="Expires after"
          name="expiresOn"
          type="date"
          min={limits.today}
          max={limits.last}
          required
          hint={limits.last ? `Valid through this day (UTC), ${limits.last} at the latest.` : "Valid through this day (UTC)."}
          error={errors.expiresOn}
        />
      )}
    </div>
  );
}
