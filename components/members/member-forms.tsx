"use client";

import { useActionState, useRef, useState } from "react";
import {
  changeRoleAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
} from "@/app/o/[org]/members/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from "@/lib/authz";
import type { Role } from "@/lib/generated/prisma/enums";

function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABELS[r]}
    </option>
  ));
}

export function InviteMemberForm({ orgSlug }: { orgSlug: string }) {
  const [copied, setCopied] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors: errors } = useFormAction(inviteMemberAction.bind(null, orgSlug), () => {
    formRef.current?.reset();
    setCopied(false);
  });
  const link = state?.ok && typeof window !== "undefined" ? `${window.location.origin}${state.data.path}` : null;
  return (
    <div className="space-y-4">
      <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-start" noValidate>
        <TextField label="E-mail to invite" name="email" type="email" required placeholder="teammate@example.com" error={errors.email} />
        <SelectField label="Role" name="role" defaultValue="DEVELOPER" error={errors.role}>
          <RoleOptions />
        </SelectField>
        <Button type="submit" className="sm:mt-[26px]" disabled={pending}>
          {pending ? "Inviting…" : "Send invite"}
        </Button>
      </form>
      {state && !state.ok && !errors.email && !errors.role && <FormError message={state.error} />}
      {link && state?.ok && (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          <p>
            Invitation created for <strong>{state.data.email}</strong>. Send them this link (valid for 7 days):
          </p>
          <div className="mt-2 flex gap-2">
            <input
              aria-label="Invitation link"
              readOnly
              value={link}
              className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-3 py-1.5 font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
            />
            <Button
              size="sm"
              variant="secondary"
              onClick={() => void navigator.clipboard.writeText(link).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy link"}
            </Button>
          </div>
        </div>
      )}
      <p className="text-xs text-zinc-500">
        {ROLES.map((r) => (
          <span key={r} className="mr-3 inline-block">
            <strong className="font-medium text-zinc-700">{ROLE_LABELS[r]}:</strong> {ROLE_DESCRIPTIONS[r]}
          </span>
        ))}
      </p>
    </div>
  );
}

export function RoleSelect({ orgSlug, membershipId, role, name }: { orgSlug: string; membershipId: string; role: Role; name: string }) {
  const [state, action, pending] = useActionState(changeRoleAction.bind(null, orgSlug), null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="id" value={membershipId} />
      <label className="sr-only" htmlFor={`role-${membershipId}`}>
        Role of {name}
      </label>
      <select
        id={`role-${membershipId}`}
        name="role"
        defaultValue={role}
        disabled={pending}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
      >
        <RoleOptions />
      </select>
      {state && !state.ok && (
        <p role="alert" className="max-w-xs text-xs text-red-600">
          {state.error}
        </p>
      )}
    </form>
  );
}

export function RemoveMemberButton({ orgSlug, membershipId, name }: { orgSlug: string; membershipId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const { state, onSubmit, pending } = useFormAction(removeMemberAction.bind(null, orgSlug), () => setOpen(false));
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setOpen(true)} aria-label={`Remove ${name}`}>
        Remove
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Remove ${name}?`}
        description="They lose access to this organization, and their workspace and gateway tokens here are revoked. Organization tokens they created keep working."
      >
        <form onSubmit={onSubmit} className="space-y-4">
          <input type="hidden" name="id" value={membershipId} />
          {state && !state.ok && <FormError message={state.error} />}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Removing…" : "Remove member"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

export function RevokeInvitationButton({ orgSlug, id, email }: { orgSlug: string; id: string; email: string }) {
  const [state, action, pending] = useActionState(revokeInvitationAction.bind(null, orgSlug), null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="ghost" size="sm" disabled={pending} aria-label={`Revoke invitation for ${email}`}>
        Revoke
      </Button>
      {state && !state.ok && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
