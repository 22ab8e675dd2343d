import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { RenameOrgForm } from "@/components/orgs/org-forms";
import { LeakedTokensSettings } from "@/components/settings/leaked-tokens-settings";
import { orgPage } from "@/lib/auth/session";
import { leakPolicyOf } from "@/lib/leaks/policy";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org, "org:manage");
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
      <LeakedTokensSettings orgSlug={ctx.org.slug} policy={await leakPolicyOf(ctx.db, ctx.org.id)} />
    </>
  );
}
