import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { ROLE_LABELS } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import { requireOrg } from "@/lib/session";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const prisma = await getDb();
  const [projects, members, liveTokens] = await Promise.all([
    prisma.project.count({ where: { orgId: ctx.org.id } }),
    prisma.membership.count({ where: { orgId: ctx.org.id } }),
    prisma.token.count({ where: { orgId: ctx.org.id, status: "ACTIVE" } }),
  ]);
  const base = `/o/${ctx.org.slug}`;
  const stats = [
    { label: "Active tokens", value: liveTokens, href: `${base}/tokens/workspace` },
    { label: "Projects", value: projects, href: `${base}/projects` },
    { label: "Members", value: members, href: `${base}/members` },
  ];
  return (
    <>
      <PageHeader
        title={ctx.org.name}
        description={
          <>
            You are {ctx.role === "ADMIN" ? "an" : "a"} <strong>{ROLE_LABELS[ctx.role]}</strong> here. API calls name this
            organization with the header <code className="rounded bg-zinc-100 px-1 font-mono text-xs">x-org: {ctx.org.slug}</code>.
          </>
        }
      />
      <dl className="grid gap-4 sm:grid-cols-3">
        {stats.map((s) => (
          <Link key={s.label} href={s.href} className="group">
            <Card className="p-5 transition-colors group-hover:border-brand-500">
              <dt className="text-sm text-zinc-600">{s.label}</dt>
              <dd className="mt-1 text-3xl font-semibold tabular-nums text-zinc-900">{s.value}</dd>
            </Card>
          </Link>
        ))}
      </dl>
      <Card className="mt-6 p-6">
        <h2 className="text-base font-semibold text-zinc-900">Verify a token</h2>
        <p className="mt-1 text-sm text-zinc-600">Any Keysmith token can be checked with one request:</p>
        <pre className="mt-3 overflow-x-auto rounded-md bg-zinc-900 p-4 font-mono text-xs leading-relaxed text-zinc-100">
          {`curl "$KEYSMITH_URL/api/v1/app/me" \\\n  -H "Authorization: Bearer $KEYSMITH_TOKEN" \\\n  -H "x-org: ${ctx.org.slug}"`}
        </pre>
      </Card>
    </>
  );
}
