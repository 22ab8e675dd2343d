"use server";

/** Inviting members (admins), and accepting an invitation (the invitee). */
import { revalidatePath } from "next/cache";
import { acceptInvitation, inviteMember, revokeInvitation } from "@/lib/members/invitations";
import { invitationSecret, inviteInput, memberRef } from "@/lib/schemas/members";
import { orgAction, userAction } from "./frame";

/** Returns the invitation link's path; the secret in it is not stored (only its hash). */
export const inviteMemberAction = orgAction("members:manage", inviteInput, async ({ email, role }, c) => {
  const secret = await inviteMember(c.db, { ...c.meta, invitedById: c.user.id }, email, role);
  revalidatePath(`/o/${c.ctx.org.slug}/members`);
  return { path: `/invite/${secret}`, email };
});

export const revokeInvitationAction = orgAction(
  "members:manage",
  memberRef,
  async ({ id }, c) => {
    await revokeInvitation(c.db, c.meta, id);
    revalidatePath(`/o/${c.ctx.org.slug}/members`);
  },
  "Invitation revoked.",
);

export const acceptInvitationAction = userAction(invitationSecret, async ({ secret }, c) => ({
  slug: await acceptInvitation(c.db, secret, c.user, c.request),
}));
