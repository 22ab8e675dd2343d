"use client";

import { TextAreaField, TextField } from "@/components/ui/field";

export interface RulesDefaults {
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  allowedModels: string[];
  monthlyTokenBudget: number | null;
}

/** The guard-rail inputs (docs/contract.md §7); model allowlist and budget only for gateway tokens. */
export function RulesFields({
  errors,
  defaults,
  gatewayModels,
}: {
  errors: Record<string, string>;
  defaults?: RulesDefaults;
  /** Set for gateway tokens: the gateway's models to choose from. */
  gatewayModels?: string[];
}) {
  return (
    <div className="space-y-4">
      <TextAreaField
        label="IP allowlist"
        name="ipAllowlist"
        rows={2}
        hint="Addresses or CIDR ranges (IPv4 or IPv6), one per line. Empty = any address."
        error={errors.ipAllowlist}
        defaultValue={defaults?.ipAllowlist.join("\n") ?? ""}
        placeholder={"203.0.113.0/24\n2001:db8::/32"}
      />
      <TextField
        label="Rate limit (requests per minute)"
        name="rateLimitPerMinute"
        type="number"
        min={1}
        inputMode="numeric"
        defaultValue={defaults?.rateLimitPerMinute ?? ""}
        placeholder="No limit"
        error={errors.rateLimitPerMinute}
      />
      {gatewayModels && (
        <>
          <fieldset>
            <legend className="text-sm font-medium text-zinc-800">Allowed models</legend>
            <p className="text-xs text-zinc-500">None ticked = every model of the gateway.</p>
            <div className="mt-2 flex flex-wrap gap-2">
              {gatewayModels.map((m) => (
                <label key={m} className="flex items-center gap-2 rounded-md border border-zinc-200 px-2.5 py-1.5 font-mono text-xs text-zinc-800">
                  <input type="checkbox" name="allowedModels" value={m} defaultChecked={defaults?.allowedModels.includes(m)} className="accent-brand-600" />
                  {m}
                </label>
              ))}
            </div>
            {errors.allowedModels && <p className="mt-1.5 text-sm text-red-600">{errors.allowedModels}</p>}
          </fieldset>
          <TextField
            label="Monthly budget (input + output tokens)"
            name="monthlyTokenBudget"
            type="number"
            min={1}
            inputMode="numeric"
            defaultValue={defaults?.monthlyTokenBudget ?? ""}
            placeholder="No budget"
            error={errors.monthlyTokenBudget}
          />
        </>
      )}
    </div>
  );
}
