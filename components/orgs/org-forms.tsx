"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { createOrgAction, renameOrgAction } from "@/app/orgs/actions";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";

export function CreateOrgForm() {
  const router = useRouter();
  const { state, onSubmit, pending, fieldErrors: errors } = useFormAction(createOrgAction, ({ slug }) =>
    router.push(`/o/${slug}`),
  );
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {state && !state.ok && !errors.name && <FormError message={state.error} />}
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
  const { state, onSubmit, pending, fieldErrors: errors } = useFormAction(renameOrgAction.bind(null, orgSlug));
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <TextField label="Organization name" name="name" defaultValue={name} required maxLength={80} error={errors.name} />
      {state && !state.ok && !errors.name && <FormError message={state.error} />}
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save name"}
      </Button>
    </form>
  );
}
