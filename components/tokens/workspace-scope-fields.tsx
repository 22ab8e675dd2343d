"use client";

import { SelectField } from "@/components/ui/field";
import { API_PERMISSION_LABELS, API_PERMISSIONS, type ApiPermission } from "@/lib/authz";
import { useCreateFieldErrors } from "./create-token-dialog";

/** Permissions (only those the member's role holds can be ticked) and an optional project. */
export function WorkspaceScopeFields({ grantable, projects }: { grantable: ApiPermission[]; projects: Array<{ id: string; name: string }> }) {
  const errors = useCreateFieldErrors();
  const allowed = new Set(grantable);
  return (
    <>
      <fieldset aria-describedby={errors.permissions ? "permissions-error" : undefined}>
        <legend className="text-sm font-medium text-zinc-800">Permissions</legend>
        <p className="text-xs text-zinc-500">Grant only what the integration needs. Nothing is granted unless ticked.</p>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {API_PERMISSIONS.map((p) => {
            const disabled = !allowed.has(p);
            return (
              <label
                key={p}
                className={`flex items-start gap-2 rounded-md border px-3 py-2 text-sm ${disabled ? "border-zinc-100 bg-zinc-50 text-zinc-400" : "border-zinc-200 text-zinc-800 hover:bg-zinc-50"}`}
                title={disabled ? "Your role does not hold this permission." : undefined}
              >
                <input type="checkbox" name="permissions" value={p} disabled={disabled} className="mt-0.5 accent-brand-600" />
                <span>
                  <span className="block">{API_PERMISSION_LABELS[p]}</span>
                  <span className="font-mono text-xs text-zinc-500">{p}</span>
                </span>
              </label>
            );
          })}
        </div>
        {errors.permissions && (
          <p id="permissions-error" className="mt-1.5 text-sm text-red-600">
            {errors.permissions}
          </p>
        )}
      </fieldset>
      <SelectField label="Project" name="projectId" defaultValue="" error={errors.projectId} hint="Limit the token to one project, or let it reach all.">
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
    </>
  );
}
