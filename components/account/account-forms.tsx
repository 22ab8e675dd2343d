"use client";

import { useRef } from "react";
import { changePasswordAction } from "@/lib/actions/account";
import { changePasswordInput } from "@/lib/schemas/account";
import { useSignOutEverywhere } from "./use-sign-out-everywhere";
import { Button } from "@/components/ui/button";
import { FormError, FormOutcome, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

export function ChangePasswordForm() {
  const form = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors: errors, formError } = useFormAction(changePasswordAction, {
    schema: changePasswordInput,
    onSuccess: () => form.current?.reset(),
  });
  return (
    <form ref={form} onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <TextField label="Current password" name="current" type="password" autoComplete="current-password" required error={errors.current} />
      <TextField label="New password" name="next" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters." error={errors.next} />
      <TextField label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
      <FormOutcome error={formError} success={state?.ok ? state.message : undefined} />
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

export function SignOutEverywhere() {
  const { run, pending, error } = useSignOutEverywhere();
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Button variant="danger" disabled={pending} onClick={run}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </div>
  );
}
