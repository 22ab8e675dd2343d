"use client";

import { createContext, useContext, type ReactNode } from "react";
import { FormActions } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { createGatewayTokenAction, createOrganizationTokenAction, createWorkspaceTokenAction, type IssuedSecret } from "@/lib/actions/tokens";
import { createGatewayTokenForm, createOrganizationTokenForm, createWorkspaceTokenForm } from "@/lib/schemas/tokens";
import type { KindSlug } from "@/lib/tokens/kinds";
import type { TokenPolicy } from "@/lib/tokens/lifetime";
import { ExpiryFields } from "./expiry-fields";
import { RulesFields } from "./rules-fields";

const ADVANCED_KEYS = ["ipAllowlist", "rateLimitPerMinute", "allowedModels", "monthlyTokenBudget"];

const FieldErrorsContext = createContext<Record<string, string>>({});

/** Field errors of the create form, for the kind-specific scope fields rendered inside it. */
export function useCreateFieldErrors() {
  return useContext(FieldErrorsContext);
}

/** Each kind's create action, and the schema its form is checked with first. */
const CREATE = {
  workspace: { action: createWorkspaceTokenAction, schema: createWorkspaceTokenForm },
  gateway: { action: createGatewayTokenAction, schema: createGatewayTokenForm },
  organization: { action: createOrganizationTokenAction, schema: createOrganizationTokenForm },
} as const;

/**
 * The create form every kind shares: name, the kind's scope fields, and the
 * expiration. Its content unmounts when the dialog closes, so the action's
 * result (which carries the secret) is not kept around after the hand-off.
 */
export function CreateTokenDialog({
  orgSlug,
  kind,
  title,
  description,
  scopeFields,
  gatewayModels,
  policy,
  onCreated,
  onClose,
}: {
  orgSlug: string;
  kind: KindSlug;
  title: string;
  description?: ReactNode;
  scopeFields?: ReactNode;
  /** Gateway tokens: offer the model allowlist and budget in the Advanced section. */
  gatewayModels?: string[];
  /** The org's lifetime policy: which expiries are offered. */
  policy: TokenPolicy;
  onCreated: (issued: IssuedSecret) => void;
  onClose: () => void;
}) {
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={title} description={description}>
      <CreateTokenForm orgSlug={orgSlug} kind={kind} scopeFields={scopeFields} gatewayModels={gatewayModels} policy={policy} onCreated={onCreated} onCancel={onClose} />
    </Dialog>
  );
}

function CreateTokenForm({
  orgSlug,
  kind,
  scopeFields,
  gatewayModels,
  policy,
  onCreated,
  onCancel,
}: {
  orgSlug: string;
  kind: KindSlug;
  scopeFields?: ReactNode;
  gatewayModels?: string[];
  policy: TokenPolicy;
  onCreated: (issued: IssuedSecret) => void;
  onCancel: () => void;
}) {
  const { action, schema } = CREATE[kind];
  const { onSubmit, pending, fieldErrors, formError } = useFormAction((form: FormData) => action(orgSlug, form), { schema, onSuccess: onCreated });
  return (
    <FieldErrorsContext.Provider value={fieldErrors}>
      <form onSubmit={onSubmit} className="space-y-5" noValidate>
        <FormError message={formError} />
        <TextField label="Name" name="name" required maxLength={64} placeholder="e.g. CI deploys" hint="1–64 characters, unique among live tokens." error={fieldErrors.name} />
        {scopeFields}
        <ExpiryFields policy={policy} errors={fieldErrors} />
        <TextAreaField
          label="Description (optional)"
          name="description"
          maxLength={500}
          rows={2}
          className="font-sans"
          placeholder="What it is for, where it runs"
          error={fieldErrors.description}
        />
        <details className="group rounded-md border border-zinc-200" open={ADVANCED_KEYS.some((k) => fieldErrors[k])}>
          <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-zinc-800">
            Advanced: IP allowlist, rate limit{gatewayModels ? ", models, budget" : ""}
          </summary>
          <div className="border-t border-zinc-200 px-3 py-3">
            <RulesFields errors={fieldErrors} gatewayModels={gatewayModels} />
          </div>
        </details>
        <FormActions onCancel={onCancel} pending={pending} label="Create token" pendingLabel="Creating…" />
      </form>
    </FieldErrorsContext.Provider>
  );
}
