"use client";

import { useState } from "react";
import { setLeakPolicyAction } from "@/lib/actions/leaks";
import { LEAK_POLICIES, LEAK_POLICY_LABELS, leakPolicyInput, type LeakPolicyChoice } from "@/lib/schemas/leaks";
import { Button } from "@/components/ui/button";
import { ChoiceCard, FormOutcome } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

/** What a leak report does to a live token of the org: revoke at once (the default) or only flag it. */
export function LeakPolicyForm({ orgSlug, policy }: { orgSlug: string; policy: LeakPolicyChoice }) {
  const [chosen, setChosen] = useState(policy);
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(setLeakPolicyAction.bind(null, orgSlug), { schema: leakPolicyInput });
  return (
    <form onSubmit={onSubmit} className="max-w-2xl space-y-4" noValidate>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">When a token of this organization is reported leaked</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {LEAK_POLICIES.map((p) => (
            <ChoiceCard
              key={p}
              name="leakPolicy"
              value={p}
              label={LEAK_POLICY_LABELS[p].label}
              help={LEAK_POLICY_LABELS[p].help}
              checked={chosen === p}
              onChange={() => setChosen(p)}
            />
          ))}
        </div>
        {fieldErrors.leakPolicy && <p className="text-sm text-red-600">{fieldErrors.leakPolicy}</p>}
      </fieldset>
      <FormOutcome error={formError} success={state?.ok ? state.message : undefined} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save leak policy"}
      </Button>
    </form>
  );
}
