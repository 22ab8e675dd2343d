import type { Metadata } from "next";
import { ChangePasswordForm, SignOutEverywhere } from "@/components/account/account-forms";
import { Card, PageHeader } from "@/components/ui/card";
import { orgPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ params }: { params: Promise<{ org: string }> }) {
  const { user } = await orgPage((await params).org);
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${user.name} (${user.email}).`} />
      <div className="space-y-6">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-zinc-900">Password</h2>
          <p className="mt-1 text-sm text-zinc-600">Changing it signs you out everywhere else.</p>
          <div className="mt-4">
            <ChangePasswordForm />
          </div>
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
