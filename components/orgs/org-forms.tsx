"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { createOrgAction, renameOrgAction } from "@/lib/actions/orgs";
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
