import type { Metadata } from "next";
import { OrgOverview } from "@/components/usage/org-overview";
import { Card, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ROLE_LABELS } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { publicOrigin } from "@/lib/request-info";
import { orgOverview } from "@/lib/usage/console";
import { TOKEN_VARIABLE, workspaceSnippets } from "@/lib/snippets";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const overview = await orgOverview(ctx.db, ctx, "day");
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
      <OrgOverview orgSlug={ctx.org.slug} initial={overview} />
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
