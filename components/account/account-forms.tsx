"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { changePasswordAction, updateProfileAction } from "@/lib/actions/account";
import { leaveOrgAction } from "@/lib/actions/orgs";
import { changePasswordInput, profileInput } from "@/lib/schemas/account";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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

export function ProfileForm({ name }: { name: string }) {
  const { state, onSubmit, pending, fieldErrors: errors, formError } = useFormAction(updateProfileAction, { schema: profileInput });
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <TextField label="Name" name="name" defaultValue={name} required maxLength={80} autoComplete="name" hint="Shown to your organizations, and on the tokens you create." error={errors.name} />
      <FormOutcome error={formError} success={state?.ok ? state.message : undefined} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save name"}
      </Button>
    </form>
  );
}

/** Leaving one of one's organizations: what goes with it, asked first. */
export function LeaveOrgButton({ orgSlug, orgName, liveTokens }: { orgSlug: string; orgName: string; liveTokens: number }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)} aria-label={`Leave ${orgName}`}>
        Leave
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Leave ${orgName}?`}
        description={
          liveTokens > 0
            ? `Your ${liveTokens === 1 ? "workspace or gateway token" : `${liveTokens} workspace and gateway tokens`} there will be revoked: applications using them get 401 errors at once. Organization tokens you created keep working.`
            : "You lose access to it. An admin can invite you again."
        }
        confirmLabel="Leave organization"
        pendingLabel="Leaving…"
        confirm={() => leaveOrgAction(orgSlug, {})}
        onDone={() => {
          setOpen(false);
          router.push("/");
          router.refresh();
        }}
      />
    </>
  );
}
