import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { RenameOrgForm } from "@/components/orgs/org-forms";
import { TokenPolicyForm } from "@/components/settings/token-policy-form";
import { orgPage } from "@/lib/auth/session";
import { countBeyondPolicy, tokenPolicyOf } from "@/lib/orgs/token-policy";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org, "org:manage");
  const policy = await tokenPolicyOf(ctx.db, ctx.org.id);
  return (
    <>
      <PageHeader title="Settings" description="Organization details." />
      <Card className="p-6">
        <RenameOrgForm orgSlug={ctx.org.slug} name={ctx.org.name} />
        <p className="mt-6 text-sm text-zinc-600">
          Slug: <code className="rounded bg-zinc-100 px-1 font-mono text-xs">{ctx.org.slug}</code>. The slug names the
          organization in URLs and in the API&apos;s <code className="font-mono text-xs">x-org</code> header, so it does not
          change when the name does.
        </p>
      </Card>
      <Card className="mt-6 p-6">
        <TokenPolicyForm orgSlug={ctx.org.slug} policy={policy} beyond={await countBeyondPolicy(ctx.db, ctx.org.id, policy)} />
      </Card>
    </>
  );
}
