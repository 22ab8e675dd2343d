"use client";

import { createContext, useContext, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import type { ActionResult } from "@/lib/actions";
import type { IssuedSecret } from "@/app/o/[org]/tokens/actions";
import { EXPIRY_CHOICES, EXPIRY_LABELS } from "@/lib/tokens/status";
import { RulesFields } from "./rules-fields";

const ADVANCED_KEYS = ["ipAllowlist", "rateLimitPerMinute", "allowedModels", "monthlyTokenBudget"];

const FieldErrorsContext = createContext<Record<string, string>>({});

/** Field errors of the create form, for the kind-specific scope fields rendered inside it. */
export function useCreateFieldErrors() {
  return useContext(FieldErrorsContext);
}

export type CreateTokenAction = (prev: unknown, form: FormData) => Promise<ActionResult<IssuedSecret>>;

/**
 * The create form every kind shares: name, the kind's scope fields, and the
 * expiration. Its content unmounts when the dialog closes, so the action's
 * result (which carries the secret) is not kept around after the hand-off.
 */
export function CreateTokenDialog({
  title,
  description,
  action,
  scopeFields,
  gatewayModels,
  onCreated,
  onClose,
}: {
  title: string;
  description?: ReactNode;
  action: CreateTokenAction;
  scopeFields?: ReactNode;
  /** Gateway tokens: offer the model allowlist and budget in the Advanced section. */
  gatewayModels?: string[];
  onCreated: (issued: IssuedSecret) => void;
  onClose: () => void;
}) {
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={title} description={description}>
      <CreateTokenForm action={action} scopeFields={scopeFields} gatewayModels={gatewayModels} onCreated={onCreated} onCancel={onClose} />
    </Dialog>
  );
}

function CreateTokenForm({
  action,
  scopeFields,
  gatewayModels,
  onCreated,
  onCancel,
}: {
  action: CreateTokenAction;
  scopeFields?: ReactNode;
  gatewayModels?: string[];
  onCreated: (issued: IssuedSecret) => void;
  onCancel: () => void;
}) {
  const [expiration, setExpiration] = useState("30d");
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(action, onCreated);
  const [tomorrow] = useState(() => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  return (
    <FieldErrorsContext.Provider value={fieldErrors}>
      <form onSubmit={onSubmit} className="space-y-5" noValidate>
        <FormError message={formError} />
        <TextField label="Name" name="name" required maxLength={64} placeholder="e.g. CI deploys" hint="1–64 characters, unique among live tokens." error={fieldErrors.name} />
        {scopeFields}
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Expiration" name="expiration" value={expiration} onChange={(e) => setExpiration(e.target.value)} error={fieldErrors.expiration}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c} value={c}>
                {EXPIRY_LABELS[c]}
              </option>
            ))}
          </SelectField>
          {expiration === "custom" && (
            <TextField label="Expires after" name="expiresOn" type="date" min={tomorrow} required hint="Valid through this day (UTC)." error={fieldErrors.expiresOn} />
          )}
        </div>
        <details className="group rounded-md border border-zinc-200" open={ADVANCED_KEYS.some((k) => fieldErrors[k])}>
          <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-zinc-800">
            Advanced: IP allowlist, rate limit{gatewayModels ? ", models, budget" : ""}
          </summary>
          <div className="border-t border-zinc-200 px-3 py-3">
            <RulesFields errors={fieldErrors} gatewayModels={gatewayModels} />
          </div>
        </details>
        <div className="flex justify-end gap-2 border-t border-zinc-100 pt-4">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Creating…" : "Create token"}
          </Button>
        </div>
      </form>
    </FieldErrorsContext.Provider>
  );
}
