import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { DeleteOrg, RenameOrgForm } from "@/components/orgs/org-forms";
import { TokenPolicyForm } from "@/components/settings/token-policy-form";
import { LeakedTokensSettings } from "@/components/settings/leaked-tokens-settings";
import { orgPage } from "@/lib/auth/session";
import { leakPolicyOf } from "@/lib/leaks/policy";
import { orgDeletionFacts } from "@/lib/members/service";
import { countBeyondPolicy, tokenPolicyOf } from "@/lib/orgs/token-policy";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org, "org:manage");
  const policy = await tokenPolicyOf(ctx.db, ctx.org.id);
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
      <Card className="mt-6 p-6">
        <TokenPolicyForm orgSlug={ctx.org.slug} policy={policy} beyond={await countBeyondPolicy(ctx.db, ctx.org.id, policy)} />
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
