import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const email = typeof params.email === "string" ? params.email : undefined;
  return (
    <AuthCard
      title="Sign in to Keysmith"
      subtitle="Manage your organization's API tokens."
      footer={
        <>
          New here?{" "}
          <Link className="font-medium text-brand-700 hover:underline" href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackUrl={callbackUrl} defaultEmail={email} />
    </AuthCard>
  );
}
