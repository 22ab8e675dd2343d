import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { TokenManager } from "@/components/tokens/token-manager";
import { WorkspaceScopeFields } from "@/components/tokens/workspace-scope-fields";
import { orgPage } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/service";
import { consoleTokenPage, listParams } from "@/lib/tokens/console";
import { canCreateKind, grantablePermissions } from "@/lib/tokens/policy";

export const metadata: Metadata = { title: "Workspace tokens" };

export default async function WorkspaceTokensPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await orgPage((await params).org);
  const query = listParams(await searchParams);
  const [initial, projects] = await Promise.all([consoleTokenPage(ctx.db, ctx, "WORKSPACE", query), listProjects(ctx.db, ctx.org.id)]);
  return (
    <>
      <PageHeader
        title="Workspace tokens"
        description={
          <>
            Tokens for the Workspace REST API (<code className="font-mono text-xs">/api/v1/*</code>), each with a subset of your
            permissions. Send them as <code className="font-mono text-xs">Authorization: Bearer …</code> with{" "}
            <code className="font-mono text-xs">x-org: {ctx.org.slug}</code>. Every call is in the{" "}
            <Link href={`/o/${ctx.org.slug}/api-reference`} className="text-brand-700 hover:underline">
              API reference
            </Link>
            .
          </>
        }
      />
      <TokenManager
        orgSlug={ctx.org.slug}
        kind="workspace"
        initial={initial}
        query={query}
        create={
          canCreateKind(ctx, "WORKSPACE")
            ? {
                title: "Create workspace token",
                description: "The token can do only what you tick, and never more than your role.",
                scopeFields: <WorkspaceScopeFields grantable={grantablePermissions(ctx)} projects={projects.map(({ id, name }) => ({ id, name }))} />,
              }
            : undefined
        }
      />
    </>
  );
}
