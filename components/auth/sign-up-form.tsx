"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { signUpAction } from "@/lib/actions/account";
import { signUpInput } from "@/lib/schemas/account";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";

export function SignUpForm({ invite, email }: { invite?: string; email?: string }) {
  const router = useRouter();
  // The account exists: sign in with what was just typed, then open the org.
  const { state, onSubmit, pending, fieldErrors: errors, formError } = useFormAction(signUpAction, {
    schema: signUpInput,
    onSuccess: async ({ orgSlug }, form) => {
      await signIn("credentials", { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), redirect: false });
      router.replace(`/o/${orgSlug}`);
      router.refresh();
    },
  });
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      {invite && <input type="hidden" name="invite" value={invite} />}
      <TextField label="Name" name="name" autoComplete="name" required error={errors.name} />
      <TextField
        label="E-mail"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={email}
        readOnly={Boolean(invite)}
        error={errors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={errors.password}
      />
      {!invite && (
        <TextField
          label="Organization name"
          name="orgName"
          placeholder="Your company or team"
          hint="You will be its admin. Leave empty to name it after yourself."
          error={errors.orgName}
        />
      )}
      <Button type="submit" className="w-full" disabled={pending || Boolean(state?.ok)}>
        {pending || state?.ok ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
