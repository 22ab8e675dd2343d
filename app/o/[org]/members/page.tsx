import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { Cell, Row, Table } from "@/components/ui/table";
import { InvitationActions, InviteMemberForm, RemoveMemberButton, RoleSelect } from "@/components/members/member-forms";
import { DateTime } from "@/components/time";
import { can, ROLE_LABELS } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { listPendingInvitations } from "@/lib/members/invitations";
import { listMembers } from "@/lib/members/service";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const manage = can(ctx.role, "members:manage");
  const [members, invitations] = await Promise.all([
    listMembers(ctx.db, ctx.org.id),
    manage ? listPendingInvitations(ctx.db, ctx.org.id) : Promise.resolve([]),
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
      <Card className="overflow-hidden">
        <Table
          columns={[
            { label: "Member" },
            { label: "Role" },
            { label: "Joined" },
            ...(manage ? [{ label: "Actions", srOnly: true, align: "right" as const }] : []),
          ]}
        >
          {members.map((m) => (
            <Row key={m.id}>
              <Cell label="Member" primary>
                <div>
                  <p className="font-medium text-zinc-900">
                    {m.user.name} {m.user.id === ctx.user.id && <span className="text-xs font-normal text-zinc-500">(you)</span>}
                  </p>
                  <p className="text-xs text-zinc-500">{m.user.email}</p>
                </div>
              </Cell>
              <Cell label="Role">
                {manage ? (
                  <RoleSelect orgSlug={ctx.org.slug} membershipId={m.id} role={m.role} name={m.user.name} />
                ) : (
                  <Badge tone={m.role === "ADMIN" ? "brand" : "zinc"}>{ROLE_LABELS[m.role]}</Badge>
                )}
              </Cell>
              <Cell label="Joined" className="text-zinc-600">
                <DateTime value={m.createdAt} />
              </Cell>
              {manage && (
                <Cell label="Actions" align="right">
                  <RemoveMemberButton orgSlug={ctx.org.slug} membershipId={m.id} name={m.user.name} />
                </Cell>
              )}
            </Row>
          ))}
        </Table>
      </Card>
      {manage && invitations.length > 0 && (
        <Card className="mt-6 overflow-hidden">
          <h2 className="border-b border-zinc-200 px-4 py-3 text-base font-semibold text-zinc-900">Pending invitations</h2>
          <Table columns={[{ label: "E-mail" }, { label: "Role" }, { label: "Invited by" }, { label: "Expires" }, { label: "Actions", srOnly: true, align: "right" }]}>
            {invitations.map((inv) => (
              <Row key={inv.id}>
                <Cell label="E-mail" primary className="text-zinc-900">
                  {inv.email}
                </Cell>
                <Cell label="Role">
                  <Badge>{ROLE_LABELS[inv.role]}</Badge>
                </Cell>
                <Cell label="Invited by" className="text-zinc-600">
                  {inv.invitedBy?.name ?? "—"}
                </Cell>
                <Cell label="Expires" className="text-zinc-600">
                  <DateTime value={inv.expiresAt} />
                </Cell>
                <Cell label="Actions" align="right">
                  <InvitationActions orgSlug={ctx.org.slug} id={inv.id} email={inv.email} />
                </Cell>
              </Row>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}
