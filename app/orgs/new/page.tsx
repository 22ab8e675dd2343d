import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { CreateOrgForm } from "@/components/orgs/org-forms";
import { userOrgs, userPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Create organization" };
export const dynamic = "force-dynamic";

export default async function NewOrgPage() {
  const { user } = await userPage("/orgs/new");
  const orgs = await userOrgs(user.id);
  return (
    <AuthCard
      title="Create an organization"
      subtitle="You will be its first admin."
      footer={
        orgs.length > 0 ? (
          <Link className="font-medium text-brand-700 hover:underline" href={`/o/${orgs[0].org.slug}`}>
            Back to {orgs[0].org.name}
          </Link>
        ) : undefined
      }
    >
      <CreateOrgForm />
    </AuthCard>
  );
}
