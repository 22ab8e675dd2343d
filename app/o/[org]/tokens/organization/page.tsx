import type { Metadata } from "next";
import Link from "next/link";
import { OrgRoleFields } from "@/components/tokens/org-role-fields";
import { TokenManager } from "@/components/tokens/token-manager";
import { PageHeader } from "@/components/ui/card";
import { orgPage } from "@/lib/auth/session";
import { consoleTokenPage, listParams } from "@/lib/tokens/console";

export const metadata: Metadata = { title: "Organization tokens" };

export default async function OrganizationTokensPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await orgPage((await params).org, "orgTokens:manage");
  const query = listParams(await searchParams);
  const initial = await consoleTokenPage(ctx.db, ctx, "ORGANIZATION", query);
  return (
    <>
      <PageHeader
        title="Organization tokens"
        description={
          <>
            Tokens that belong to the organization, not a person: they keep working when the member who created them leaves.
            They call the Workspace API with their role&apos;s permissions and any gateway with{" "}
            <code className="font-mono text-xs">x-gateway: &lt;slug&gt;</code>. Every admin is e-mailed when one is created. See the{" "}
            <Link href={`/o/${ctx.org.slug}/api-reference`} className="text-brand-700 hover:underline">
              API reference
            </Link>
            .
          </>
        }
      />
      <TokenManager
        orgSlug={ctx.org.slug}
        kind="organization"
        initial={initial}
        query={query}
        create={{
          title: "Create organization token",
          description: "It acts with the role you choose, for the whole organization.",
          scopeFields: <OrgRoleFields />,
        }}
      />
    </>
  );
}
