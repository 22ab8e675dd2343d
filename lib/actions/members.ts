"use server";

/** Console actions on members (admins): role changes and removal. */
import { revalidatePath } from "next/cache";
import { changeRole, removeMember } from "@/lib/members/service";
import { changeRoleInput, memberRef } from "@/lib/schemas/members";
import { orgAction } from "./frame";

export const changeRoleAction = orgAction(
  "members:manage",
  changeRoleInput,
  async ({ id, role }, c) => {
    await changeRole(c.db, c.meta, id, role);
    revalidatePath(`/o/${c.ctx.org.slug}`, "layout");
  },
  "Role changed.",
);

export const removeMemberAction = orgAction(
  "members:manage",
  memberRef,
  async ({ id }, c) => {
    await removeMember(c.db, c.meta, id);
    revalidatePath(`/o/${c.ctx.org.slug}`, "layout");
  },
  "Member removed.",
);
