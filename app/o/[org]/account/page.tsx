import type { Metadata } from "next";
import { LeaveOrgButton, ChangePasswordForm, ProfileForm, SignOutEverywhere } from "@/components/account/account-forms";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { orgPage, userOrgs } from "@/lib/auth/session";
import { ROLE_LABELS } from "@/lib/authz";
import { liveTokensByOrg } from "@/lib/members/service";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ params }: { params: Promise<{ org: string }> }) {
  const { user, db } = await orgPage((await params).org);
  const [memberships, tokens] = await Promise.all([userOrgs(user.id), liveTokensByOrg(db, user.id)]);
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${user.name} (${user.email}).`} />
      <div className="space-y-6">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-zinc-900">Profile</h2>
          <div className="mt-4">
            <ProfileForm name={user.name} />
          </div>
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-zinc-900">Password</h2>
          <p className="mt-1 text-sm text-zinc-600">Changing it signs you out everywhere else.</p>
          <div className="mt-4">
            <ChangePasswordForm />
          </div>
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-zinc-900">Organizations</h2>
          <p className="mt-1 text-sm text-zinc-600">Leaving one revokes the workspace and gateway tokens you made there. An organization&apos;s last admin cannot leave it.</p>
          <ul className="mt-4 divide-y divide-zinc-100 rounded-md border border-zinc-200">
            {memberships.map((m) => (
              <li key={m.org.slug} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                <span className="min-w-0">
                  <span className="block font-medium text-zinc-900">{m.org.name}</span>
                  <span className="text-xs text-zinc-600">
                    {m.org.slug} · <Badge tone={m.role === "ADMIN" ? "brand" : "zinc"}>{ROLE_LABELS[m.role]}</Badge>
                  </span>
                </span>
                <LeaveOrgButton orgSlug={m.org.slug} orgName={m.org.name} liveTokens={tokens.get(m.org.id) ?? 0} />
              </li>
            ))}
          </ul>
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-zinc-900">Sessions</h2>
          <p className="mt-1 text-sm text-zinc-600">
            Signed in on a computer you no longer use, or worried someone copied your session? End every session, this one
            included.
          </p>
          <div className="mt-4">
            <SignOutEverywhere />
          </div>
        </Card>
      </div>
    </>
  );
}
