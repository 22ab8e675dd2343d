"use client";

import { useCreateFieldErrors } from "./create-token-dialog";

const CHOICES = [
  ["DEVELOPER", "Developer", "Manage projects and workspace tokens, read members, and call any gateway of the organization."],
  ["ADMIN", "Admin", "Everything a developer can, with the admin role's full reach. Grant only when needed."],
] as const;

/** The role an organization token acts with; Developer is preselected (least privilege). */
export function OrgRoleFields() {
  const errors = useCreateFieldErrors();
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800">Role</legend>
      <div className="mt-2 space-y-2">
        {CHOICES.map(([value, label, help]) => (
          <label key={value} className="flex gap-3 rounded-md border border-zinc-200 px-3 py-2.5 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
            <input type="radio" name="role" value={value} defaultChecked={value === "DEVELOPER"} className="mt-0.5 accent-brand-600" />
            <span>
              <span className="block font-medium text-zinc-900">{label}</span>
              <span className="text-xs text-zinc-600">{help}</span>
            </span>
          </label>
        ))}
      </div>
      {errors.role && <p className="mt-1.5 text-sm text-red-600">{errors.role}</p>}
    </fieldset>
  );
}
