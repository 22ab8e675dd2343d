import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationForm } from "@/components/orgs/accept-invitation";
import { buttonClasses } from "@/components/ui/button";
import { ROLE_LABELS } from "@/lib/authz";
import { publicPage } from "@/lib/auth/session";
import { findInvitation } from "@/lib/members/invitations";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ secret: string }> }) {
  const { secret } = await params;
  const { user, db } = await publicPage();
  const invitation = await findInvitation(db, secret);
  if (!invitation) {
    return (
      <AuthCard title="Invitation not valid" subtitle="This invitation link has expired, was revoked, or was already used. Ask an admin for a new one.">
        <Link href="/" className={buttonClasses("secondary", "md", "w-full")}>
          Go to Keysmith
        </Link>
      </AuthCard>
    );
  }
  const here = `/invite/${secret}`;
  const title = `Join ${invitation.org.name}`;
  const subtitle = (
    <>
      You have been invited as <strong>{ROLE_LABELS[invitation.role]}</strong> ({invitation.email}).
    </>
  );
  if (!user) {
    return (
      <AuthCard title={title} subtitle={subtitle}>
        <div className="space-y-3">
          <Link href={`/sign-up?invite=${encodeURIComponent(secret)}`} className={buttonClasses("primary", "md", "w-full")}>
            Create an account
          </Link>
          <Link
            href={`/sign-in?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}`}
            className={buttonClasses("secondary", "md", "w-full")}
          >
            I already have an account
          </Link>
        </div>
      </AuthCard>
    );
  }
  if (user.email !== invitation.email) {
    return (
      <AuthCard title={title} subtitle={subtitle}>
        <p className="text-sm text-zinc-700">
          You are signed in as <strong>{user.email}</strong>. Sign out and sign in as {invitation.email} to accept.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={title} subtitle={subtitle}>
      <AcceptInvitationForm secret={secret} />
    </AuthCard>
  );
}
