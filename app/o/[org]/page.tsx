import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ROLE_LABELS } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { orgCounts } from "@/lib/orgs/service";
import { publicOrigin } from "@/lib/request-info";
import { TOKEN_VARIABLE, workspaceSnippets } from "@/lib/snippets";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const { projects, members, activeTokens: liveTokens } = await orgCounts(ctx.db, ctx.org.id);
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
      <ul className="grid gap-4 sm:grid-cols-3">
        {stats.map((s) => (
          <li key={s.label}>
            <Link href={s.href} className="block rounded-lg border border-zinc-200 bg-white p-5 shadow-sm transition-colors hover:border-brand-500">
              <span className="block text-sm text-zinc-600">{s.label}</span>
              <span className="mt-1 block text-3xl font-semibold tabular-nums text-zinc-900">{s.value}</span>
            </Link>
          </li>
        ))}
      </ul>
      <Card className="mt-6 p-6">
        <h2 className="text-base font-semibold text-zinc-900">Verify a token</h2>
        <p className="mt-1 text-sm text-zinc-600">Any Keysmith token can be checked with one request:</p>
        {workspaceSnippets(publicOrigin(), ctx.org.slug, `$${TOKEN_VARIABLE}`).map((s) => (
          <CodeBlock key={s.label} label={s.label} code={s.code} />
        ))}
      </Card>
    </>
  );
}
