import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { DeleteOrg, RenameOrgForm } from "@/components/orgs/org-forms";
import { LeakedTokensSettings } from "@/components/settings/leaked-tokens-settings";
import { orgPage } from "@/lib/auth/session";
import { leakPolicyOf } from "@/lib/leaks/policy";
import { orgDeletionFacts } from "@/lib/members/service";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org, "org:manage");
  const deletion = await orgDeletionFacts(ctx.db, ctx.org.id, ctx.user.id);
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
      <Card className="mt-6 border-red-200 p-6">
        <h2 className="text-base font-semibold text-red-700">Delete this organization</h2>
        <div className="mt-2">
          <DeleteOrg orgSlug={ctx.org.slug} orgName={ctx.org.name} otherAdmins={deletion.otherAdmins} tokens={deletion.tokens} />
        </div>
      </Card>
    </>
  );
}
