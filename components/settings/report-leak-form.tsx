"use client";

import { useRef } from "react";
import { reportLeakedTokenAction } from "@/lib/actions/leaks";
import { leakReportInput } from "@/lib/schemas/leaks";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

const OUTCOME_WORDS = {
  revoked: "was revoked",
  flagged: "was flagged as leaked (this organization's policy): it still works until you revoke or regenerate it",
  already_revoked: "was already revoked; the report is recorded",
  secret_retired: "had already replaced that secret in a rotation; the report is recorded",
} as const;

/**
 * "Report a leaked token": the token or its masked form, and where it was
 * found. The org's policy decides what happens, as for a secret scanner's report.
 */
export function ReportLeakForm({ orgSlug }: { orgSlug: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(reportLeakedTokenAction.bind(null, orgSlug), {
    schema: leakReportInput,
    // The pasted secret leaves the page as soon as it has done its work.
    onSuccess: () => formRef.current?.reset(),
  });
  const done = state?.ok ? state.data : null;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="max-w-2xl space-y-4" noValidate>
      <TextField
        label="Token or masked token"
        name="token"
        required
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        placeholder="ksw_AbCd…wxYz"
        hint="Paste the whole token, or its masked form as lists show it. Only tokens of this organization are found."
        error={fieldErrors.token}
      />
      <TextField label="Where it was found (optional)" name="url" type="url" inputMode="url" placeholder="https://github.com/…" error={fieldErrors.url} />
      <FormError message={formError} />
      {done && (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          <strong>{done.token.name}</strong> (<span className="font-mono">{done.token.masked}</span>) {OUTCOME_WORDS[done.outcome]}.
          {done.alsoRevoked.length > 0 && ` Also revoked, as it minted them: ${done.alsoRevoked.map((t) => t.name).join(", ")}.`} Admins and its creator were e-mailed.
        </div>
      )}
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Reporting…" : "Report leaked token"}
      </Button>
    </form>
  );
}
