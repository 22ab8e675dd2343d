import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { publicPage } from "@/lib/auth/session";
import { findInvitation } from "@/lib/members/invitations";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const { user, db } = await publicPage();
  if (user) redirect("/");
  const secret = typeof params.invite === "string" ? params.invite : undefined;
  const invitation = secret ? await findInvitation(db, secret) : null;
  return (
    <AuthCard
      title={invitation ? `Join ${invitation.org.name}` : "Create your account"}
      subtitle={
        invitation
          ? "Create an account to accept the invitation."
          : "You'll get your own organization, and can invite your team."
      }
      footer={
        <>
          Already have an account?{" "}
          <Link className="font-medium text-brand-700 hover:underline" href="/sign-in">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm invite={invitation ? secret : undefined} email={invitation?.email} />
    </AuthCard>
  );
}
