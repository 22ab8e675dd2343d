"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { acceptInvitationAction } from "@/lib/actions/invitations";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

export function AcceptInvitationForm({ secret }: { secret: string }) {
  const router = useRouter();
  const { state, onSubmit, pending, formError } = useFormAction(acceptInvitationAction, {
    onSuccess: ({ slug }) => {
      router.push(`/o/${slug}`);
      router.refresh();
    },
  });
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="secret" value={secret} />
      <FormError message={formError} />
      <Button type="submit" className="w-full" disabled={pending || Boolean(state?.ok)}>
        {pending ? "Joining…" : "Accept invitation"}
      </Button>
    </form>
  );
}
