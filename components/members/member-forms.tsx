"use client";

import { useRef, useState, useTransition } from "react";
import { invitationLinkAction, inviteMemberAction, resendInvitationAction, revokeInvitationAction } from "@/lib/actions/invitations";
import { changeRoleAction, removeMemberAction } from "@/lib/actions/members";
import { inviteInput } from "@/lib/schemas/members";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from "@/lib/authz";
import type { Role } from "@/lib/generated/prisma/enums";
import { callAction } from "@/components/ui/call-action";

function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABELS[r]}
    </option>
  ));
}

export function InviteMemberForm({ orgSlug }: { orgSlug: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors: errors } = useFormAction(inviteMemberAction.bind(null, orgSlug), {
    schema: inviteInput,
    onSuccess: () => formRef.current?.reset(),
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
            Invitation e-mailed to <strong>{state.data.email}</strong> (valid for 7 days).
            {state.data.replaced && " It replaces the invitation sent earlier: that link no longer works."} You can also share the link yourself:
          </p>
          <div className="mt-2 flex gap-2">
            <input
              aria-label="Invitation link"
              readOnly
              value={link}
              className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-3 py-1.5 font-mono text-xs text-zinc-900"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={link} label="Copy link" />
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

/**
 * A member's role. Lowering it applies at once; making someone an admin asks
 * first (it hands over the whole org). A refused change leaves the stored role shown.
 */
export function RoleSelect({ orgSlug, membershipId, role, name }: { orgSlug: string; membershipId: string; role: Role; name: string }) {
  const [value, setValue] = useState<Role>(role);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, start] = useTransition();
  const saved = (next: Role) => {
    setValue(next);
    setError(undefined);
    setNotice(`${name} is now ${next === "ADMIN" ? "an" : "a"} ${ROLE_LABELS[next]}.`);
    setConfirming(false);
  };
  const apply = (next: Role) =>
    start(async () => {
      const result = await callAction(() => changeRoleAction(orgSlug, { id: membershipId, role: next }));
      if (result.ok) saved(next);
      else setError(result.error);
    });
  return (
    <div className="flex flex-col items-start gap-1">
      <label className="sr-only" htmlFor={`role-${membershipId}`}>
        Role of {name}
      </label>
      <select
        id={`role-${membershipId}`}
        value={value}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value as Role;
          if (next === "ADMIN") setConfirming(true);
          else apply(next);
        }}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
      >
        <RoleOptions />
      </select>
      {error && (
        <p role="alert" className="max-w-xs text-xs text-red-600">
          {error}
        </p>
      )}
      <p role="status" className="sr-only">
        {notice}
      </p>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Make ${name} an admin?`}
        description="Admins can invite and remove members, change roles, manage gateways and organization tokens, change or revoke anyone's tokens, and read the audit log."
        tone="primary"
        confirmLabel="Make admin"
        pendingLabel="Saving…"
        confirm={() => changeRoleAction(orgSlug, { id: membershipId, role: "ADMIN" })}
        onDone={() => saved("ADMIN")}
      />
    </div>
  );
}

export function RemoveMemberButton({ orgSlug, membershipId, name }: { orgSlug: string; membershipId: string; name: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setOpen(true)} aria-label={`Remove ${name}`}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Remove ${name}?`}
        description="They lose access to this organization, and their workspace and gateway tokens here are revoked (with every token those minted). Organization tokens they created keep working. They are signed out everywhere."
        confirmLabel="Remove member"
        pendingLabel="Removing…"
        confirm={() => removeMemberAction(orgSlug, { id: membershipId })}
        onDone={() => setOpen(false)}
      />
    </>
  );
}

/** A pending invitation's actions: copy its link again, e-mail it again (another 7 days), revoke it. */
export function InvitationActions({ orgSlug, id, email }: { orgSlug: string; id: string; email: string }) {
  const [pending, start] = useTransition();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<string>();
  const [revoking, setRevoking] = useState(false);
  const run = (work: () => Promise<void>) => {
    setNotice(undefined);
    setError(undefined);
    start(work);
  };
  const copy = () =>
    run(async () => {
      const result = await callAction(() => invitationLinkAction(orgSlug, { id }));
      if (!result.ok) return setError(result.error);
      const link = `${window.location.origin}${result.data.path}`;
      // The clipboard may refuse after the round trip (no user gesture left): then show the link to copy by hand.
      const copied = await navigator.clipboard?.writeText(link).then(() => true, () => false);
      if (copied) setNotice("Link copied.");
      else setShown(link);
    });
  const resend = () =>
    run(async () => {
      const result = await callAction(() => resendInvitationAction(orgSlug, { id }));
      if (!result.ok) return setError(result.error);
      setNotice(result.data.renewed ? `Sent to ${email} with a new link; the old one no longer works.` : `Sent again to ${email}; valid for another 7 days.`);
    });
  return (
    <div className="flex flex-col items-stretch gap-1 sm:items-end">
      <div className="flex flex-wrap gap-1 sm:justify-end">
        <Button variant="ghost" size="sm" disabled={pending} onClick={copy} aria-label={`Copy link for ${email}`}>
          Copy link
        </Button>
        <Button variant="ghost" size="sm" disabled={pending} onClick={resend} aria-label={`Resend invitation to ${email}`}>
          Resend
        </Button>
        <Button variant="ghost" size="sm" className="text-red-700" disabled={pending} onClick={() => setRevoking(true)} aria-label={`Revoke invitation for ${email}`}>
          Revoke
        </Button>
      </div>
      <p aria-live="polite" className="text-xs">
        {notice && <span className="text-emerald-700">{notice}</span>}
        {error && <span className="text-red-700">{error}</span>}
      </p>
      {shown && <input aria-label={`Invitation link for ${email}`} readOnly value={shown} onFocus={(e) => e.currentTarget.select()} className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900" />}
      <ConfirmDialog
        open={revoking}
        onOpenChange={setRevoking}
        title={`Revoke the invitation for ${email}?`}
        description="Its link stops working at once. You can invite the address again later."
        confirmLabel="Revoke invitation"
        pendingLabel="Revoking…"
        confirm={() => revokeInvitationAction(orgSlug, { id })}
        onDone={() => setRevoking(false)}
      />
    </div>
  );
}
