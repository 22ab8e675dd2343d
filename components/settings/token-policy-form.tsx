"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError, FormOutcome, SelectField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { updateTokenPolicyAction } from "@/lib/actions/tokens";
import { tokenPolicyInput } from "@/lib/schemas/token-policy";
import { MAX_LIFETIME_CHOICES, type TokenPolicy } from "@/lib/tokens/lifetime";

/**
 * The organization's token lifetime policy (admins): a maximum lifetime and
 * "require an expiry date". New and regenerated tokens must fit it; live tokens
 * made before it keep working and are flagged.
 */
export function TokenPolicyForm({ orgSlug, policy, beyond }: { orgSlug: string; policy: TokenPolicy; beyond: number }) {
  const [max, setMax] = useState(policy.maxLifetimeDays === null ? "none" : String(policy.maxLifetimeDays));
  const [required, setRequired] = useState(policy.expiryRequired);
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(updateTokenPolicyAction.bind(null, orgSlug), { schema: tokenPolicyInput });
  const implied = max !== "none";
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate aria-labelledby="token-policy-heading">
      <div>
        <h2 id="token-policy-heading" className="text-base font-semibold text-zinc-900">
          Token lifetime
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          Applies to every token made or regenerated from now on, in the console and through the API. Tokens that already exist keep working; those
          beyond the policy are flagged in the lists.
        </p>
      </div>
      <FormError message={formError} />
      <SelectField label="Maximum lifetime" name="maxLifetimeDays" value={max} onChange={(e) => setMax(e.target.value)} error={fieldErrors.maxLifetimeDays}>
        <option value="none">No limit</option>
        {MAX_LIFETIME_CHOICES.map((d) => (
          <option key={d} value={d}>
            {d} days
          </option>
        ))}
      </SelectField>
      <label className="flex items-start gap-2 text-sm text-zinc-800">
        <input
          type="checkbox"
          name="expiryRequired"
          checked={required || implied}
          disabled={implied}
          onChange={(e) => setRequired(e.target.checked)}
          className="mt-0.5 accent-brand-600"
          aria-describedby="expiry-required-hint"
        />
        <span>
          Require an expiry date
          <span id="expiry-required-hint" className="block text-xs text-zinc-500">
            {implied ? "Implied by a maximum lifetime." : "No token may be made to last forever."}
          </span>
        </span>
      </label>
      {/* A disabled checkbox posts nothing: say what it shows. */}
      {implied && <input type="hidden" name="expiryRequired" value="on" />}
      {!state && beyond > 0 && (
        <p className="text-sm text-amber-800" data-testid="beyond-policy-count">
          {beyond} live {beyond === 1 ? "token is" : "tokens are"} beyond the current policy.
        </p>
      )}
      <FormOutcome error={undefined} success={state?.ok ? state.message : undefined} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save lifetime policy"}
      </Button>
    </form>
  );
}
