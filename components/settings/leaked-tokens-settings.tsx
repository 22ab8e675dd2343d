import { Card } from "@/components/ui/card";
import type { LeakPolicyChoice } from "@/lib/schemas/leaks";
import { LeakPolicyForm } from "./leak-policy-form";
import { ReportLeakForm } from "./report-leak-form";

/** Settings' "Leaked tokens" section: the org's policy, and a report form (docs/secret-scanning.md). */
export function LeakedTokensSettings({ orgSlug, policy }: { orgSlug: string; policy: LeakPolicyChoice }) {
  return (
    <Card className="mt-6 p-6">
      <h2 className="text-base font-semibold text-zinc-900">Leaked tokens</h2>
      <p className="mt-1 max-w-2xl text-sm text-zinc-600">
        Secret scanners (GitHub&apos;s among them) report Keysmith tokens found in public code. Either way the token is marked leaked, its creator and
        the admins are e-mailed, and a <code className="font-mono text-xs">token.leaked</code> webhook event is sent.
      </p>
      <div className="mt-5">
        <LeakPolicyForm orgSlug={orgSlug} policy={policy} />
      </div>
      <div className="mt-8 border-t border-zinc-100 pt-6">
        <h3 className="text-sm font-semibold text-zinc-900">Report a leaked token</h3>
        <p className="mb-4 mt-1 text-sm text-zinc-600">Found one yourself? Report it here and the policy above applies at once.</p>
        <ReportLeakForm orgSlug={orgSlug} />
      </div>
    </Card>
  );
}
