import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComingSoon } from "@/components/coming-soon";
import { can } from "@/lib/authz";
import { requireOrg } from "@/lib/session";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  if (!can(ctx.role, "audit:read")) notFound();
  return (
    <ComingSoon
      title="Audit log"
      description="Every change to tokens, gateways, projects and members, with who, when and from where."
      plans={[
        "Project and member changes are already being recorded; this page will list and filter them.",
        "Filter by action and actor, newest first.",
      ]}
    />
  );
}
