"use client";

import { ChoiceCard } from "@/components/ui/field";
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
          <ChoiceCard key={value} name="role" value={value} defaultChecked={value === "DEVELOPER"} label={label} help={help} />
        ))}
      </div>
      {errors.role && <p className="mt-1.5 text-sm text-red-600">{errors.role}</p>}
    </fieldset>
  );
}
