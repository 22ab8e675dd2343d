"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { useState } from "react";
import { createOrgAction, deleteOrgAction, renameOrgAction } from "@/lib/actions/orgs";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { orgInput } from "@/lib/schemas/orgs";
import { Button } from "@/components/ui/button";
import { FormError, FormOutcome, TextField } from "@/components/ui/field";

export function CreateOrgForm() {
  const router = useRouter();
  const { state, onSubmit, pending, fieldErrors: errors, formError } = useFormAction(createOrgAction, {
    schema: orgInput,
    onSuccess: ({ slug }) => router.push(`/o/${slug}`),
  });
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      <TextField
        label="Organization name"
        name="name"
        required
        maxLength={80}
        hint="Its URL slug (the x-org header value) is derived from the name."
        error={errors.name}
      />
      <Button type="submit" className="w-full" disabled={pending || Boolean(state?.ok)}>
        {pending ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}

export function RenameOrgForm({ orgSlug, name }: { orgSlug: string; name: string }) {
  const { state, onSubmit, pending, fieldErrors: errors, formError } = useFormAction(renameOrgAction.bind(null, orgSlug), { schema: orgInput });
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <TextField label="Organization name" name="name" defaultValue={name} required maxLength={80} error={errors.name} />
      <FormOutcome error={formError} success={state?.ok ? state.message : undefined} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save name"}
      </Button>
    </form>
  );
}

/**
 * The danger zone: deleting the org, typed slug, only for its last admin (with
 * other admins left the button explains why it is not offered).
 */
export function DeleteOrg({ orgSlug, orgName, otherAdmins, tokens }: { orgSlug: string; orgName: string; otherAdmins: number; tokens: number }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600">
        Deletes {orgName} with its {tokens === 1 ? "token" : `${tokens.toLocaleString("en-US")} tokens`} (they stop working at once), projects, gateways,
        members and audit log. This cannot be undone.
      </p>
      {otherAdmins > 0 ? (
        <p className="text-sm text-zinc-700">
          Only the organization&apos;s last admin can delete it: {otherAdmins === 1 ? "1 other admin remains" : `${otherAdmins} other admins remain`}.
        </p>
      ) : (
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete organization
        </Button>
      )}
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Delete ${orgName}?`}
        description={`Every token (${tokens.toLocaleString("en-US")}) stops working at once, and everything in the organization is deleted for good.`}
        typed={orgSlug}
        confirmLabel="Delete organization"
        pendingLabel="Deleting…"
        confirm={(typed) => deleteOrgAction(orgSlug, { confirm: typed })}
        onDone={() => {
          setOpen(false);
          router.push("/");
          router.refresh();
        }}
      />
    </div>
  );
}
