"use server";

/** Inviting members (admins), and accepting an invitation (the invitee). */
import { revalidatePath } from "next/cache";
import { acceptInvitation, invitationLink, inviteMember, resendInvitation, revokeInvitation } from "@/lib/members/invitations";
import { invitationSecret, inviteInput, memberRef } from "@/lib/schemas/members";
import { orgAction, userAction } from "./frame";

/** E-mails the invitation; returns its link's path, and when the pending invitation it replaced was sent. */
export const inviteMemberAction = orgAction("members:manage", inviteInput, async ({ email, role }, c) => {
  const { path, replaced } = await inviteMember(c.db, { ...c.meta, invitedById: c.user.id }, email, role);
  revalidatePath(`/o/${c.ctx.org.slug}/members`);
  return { path, email, replaced: replaced?.toISOString() ?? null };
});

/** The link of a pending invitation, to copy again. */
export const invitationLinkAction = orgAction("members:manage", memberRef, async ({ id }, c) => ({ path: await invitationLink(c.db, c.ctx.org.id, id) }));

export const resendInvitationAction = orgAction("members:manage", memberRef, async ({ id }, c) => {
  const result = await resendInvitation(c.db, c.meta, id);
  revalidatePath(`/o/${c.ctx.org.slug}/members`);
  return result;
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
