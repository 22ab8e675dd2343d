import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { InviteMemberForm, RemoveMemberButton, RevokeInvitationButton, RoleSelect } from "@/components/members/member-forms";
import { DateTime } from "@/components/time";
import { can, ROLE_LABELS } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import { listMembers, listPendingInvitations } from "@/lib/members";
import { requireOrg } from "@/lib/session";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const prisma = await getDb();
  const manage = can(ctx.role, "members:manage");
  const [members, invitations] = await Promise.all([
    listMembers(prisma, ctx.org.id),
    manage ? listPendingInvitations(prisma, ctx.org.id) : Promise.resolve([]),
  ]);
  return (
    <>
      <PageHeader title="Members" description="People in this organization and their roles. An organization always keeps at least one admin." />
      {manage && (
        <Card className="mb-6 p-5">
          <h2 className="mb-3 text-base font-semibold text-zinc-900">Invite a member</h2>
          <InviteMemberForm orgSlug={ctx.org.slug} />
        </Card>
      )}
      <Card className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th scope="col" className="px-5 py-3 font-medium">Member</th>
              <th scope="col" className="px-5 py-3 font-medium">Role</th>
              <th scope="col" className="px-5 py-3 font-medium">Joined</th>
              {manage && <th scope="col" className="px-5 py-3 text-right font-medium"><span className="sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {members.map((m) => (
              <tr key={m.id}>
                <td className="px-5 py-3">
                  <p className="font-medium text-zinc-900">
                    {m.user.name} {m.user.id === ctx.user.id && <span className="text-xs font-normal text-zinc-500">(you)</span>}
                  </p>
                  <p className="text-xs text-zinc-500">{m.user.email}</p>
                </td>
                <td className="px-5 py-3">
                  {manage ? (
                    <RoleSelect orgSlug={ctx.org.slug} membershipId={m.id} role={m.role} name={m.user.name} />
                  ) : (
                    <Badge tone={m.role === "ADMIN" ? "brand" : "zinc"}>{ROLE_LABELS[m.role]}</Badge>
                  )}
                </td>
                <td className="px-5 py-3 text-zinc-600"><DateTime value={m.createdAt} /></td>
                {manage && (
                  <td className="px-5 py-3 text-right">
                    <RemoveMemberButton orgSlug={ctx.org.slug} membershipId={m.id} name={m.user.name} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {manage && invitations.length > 0 && (
        <Card className="mt-6 overflow-x-auto">
          <h2 className="border-b border-zinc-200 px-5 py-3 text-base font-semibold text-zinc-900">Pending invitations</h2>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">E-mail</th>
                <th scope="col" className="px-5 py-2 font-medium">Role</th>
                <th scope="col" className="px-5 py-2 font-medium">Expires</th>
                <th scope="col" className="px-5 py-2 text-right font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {invitations.map((inv) => (
                <tr key={inv.id}>
                  <td className="px-5 py-3 text-zinc-900">{inv.email}</td>
                  <td className="px-5 py-3"><Badge>{ROLE_LABELS[inv.role]}</Badge></td>
                  <td className="px-5 py-3 text-zinc-600"><DateTime value={inv.expiresAt} /></td>
                  <td className="px-5 py-3 text-right">
                    <RevokeInvitationButton orgSlug={ctx.org.slug} id={inv.id} email={inv.email} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
