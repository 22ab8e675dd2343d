"use client";

import { signOut } from "next-auth/react";
import { useRef, useState, useTransition } from "react";
import { changePasswordAction, signOutEverywhereAction } from "@/app/o/[org]/account/actions";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

export function ChangePasswordForm() {
  const form = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors: errors } = useFormAction(changePasswordAction, () => form.current?.reset());
  const fieldError = errors.current || errors.next || errors.confirm;
  return (
    <form ref={form} onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <TextField label="Current password" name="current" type="password" autoComplete="current-password" required error={errors.current} />
      <TextField label="New password" name="next" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters." error={errors.next} />
      <TextField label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
      {state && !state.ok && !fieldError && <FormError message={state.error} />}
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

export function SignOutEverywhere() {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Button
        variant="danger"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await signOutEverywhereAction();
            if (result.ok) await signOut({ callbackUrl: "/sign-in" });
            else setError(result.error);
          })
        }
      >
        {pending ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </div>
  );
}
