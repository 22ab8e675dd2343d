import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComingSoon } from "@/components/coming-soon";
import { can } from "@/lib/authz";
import { requireOrg } from "@/lib/session";

export const metadata: Metadata = { title: "Organization tokens" };

export default async function OrganizationTokensPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  if (!can(ctx.role, "orgTokens:manage")) notFound();
  return (
    <ComingSoon
      title="Organization tokens"
      description="Tokens that belong to the organization, not a person, acting with the Developer or Admin role."
      plans={["Create, regenerate, deactivate and revoke organization tokens.", "Every admin is e-mailed when one is created."]}
    />
  );
}
