"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, authorizeOrg, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { userActor } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { changeRole, emailSchema, inviteMember, MemberError, removeMember, revokeInvitation, roleSchema } from "@/lib/members";

const idSchema = z.string().min(1).max(64);

async function adminContext(orgSlug: unknown) {
  const ctx = await authorizeOrg(orgSlug, "members:manage");
  return { ctx, change: { orgId: ctx.org.id, actor: userActor(ctx.user), ...(await requestMeta()) } };
}

async function asFormError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof MemberError) throw new ActionError(error.message);
    throw error;
  }
}

/** Returns the invitation link's path; the secret in it is not stored (only its hash). */
export async function inviteMemberAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult<{ path: string; email: string }>> {
  return runAction(async () => {
    const { ctx, change } = await adminContext(orgSlug);
    const { email, role } = parseInput(z.object({ email: emailSchema, role: roleSchema }), {
      email: form.get("email"),
      role: form.get("role"),
    });
    const secret = await asFormError(inviteMember(await getDb(), { ...change, invitedById: ctx.user.id }, email, role));
    revalidatePath(`/o/${ctx.org.slug}/members`);
    return { path: `/invite/${secret}`, email };
  });
}

export async function revokeInvitationAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await adminContext(orgSlug);
    const { id } = parseInput(z.object({ id: idSchema }), { id: form.get("id") });
    if (!(await revokeInvitation(await getDb(), change, id))) throw new ActionError("Invitation not found.");
    revalidatePath(`/o/${ctx.org.slug}/members`);
    return undefined;
  }, "Invitation revoked.");
}

export async function changeRoleAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await adminContext(orgSlug);
    const { id, role } = parseInput(z.object({ id: idSchema, role: roleSchema }), { id: form.get("id"), role: form.get("role") });
    await asFormError(changeRole(await getDb(), change, id, role));
    revalidatePath(`/o/${ctx.org.slug}`, "layout");
    return undefined;
  }, "Role changed.");
}

export async function removeMemberAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await adminContext(orgSlug);
    const { id } = parseInput(z.object({ id: idSchema }), { id: form.get("id") });
    await asFormError(removeMember(await getDb(), change, id));
    revalidatePath(`/o/${ctx.org.slug}`, "layout");
    return undefined;
  }, "Member removed.");
}
