/**
 * The organization's token lifetime policy (docs/contract.md §2.2): admins set
 * it in Settings; the token service enforces it on every token made or
 * regenerated (lib/tokens/service.ts); live tokens made before it that it would
 * not allow are flagged, not changed.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { beyondPolicySql } from "@/lib/tokens/list";
import type { TokenPolicy } from "@/lib/tokens/lifetime";
import { tokenPolicyOf } from "@/lib/tokens/service";

export { tokenPolicyOf };

/** Live tokens of the org (any kind) that the policy would not allow today. */
export async function countBeyondPolicy(db: PrismaClient, orgId: string, policy: TokenPolicy, now = new Date()): Promise<number> {
  const rows = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM "Token" t
     WHERE t."orgId" = ${orgId} AND t.status <> 'REVOKED' AND (t."expiresAt" IS NULL OR t."expiresAt" > ${now})
       AND ${beyondPolicySql(policy)}`;
  return Number(rows[0].n);
}

/** Sets the policy, audited with what it was; returns how many live tokens it flags. */
export async function updateTokenPolicy(db: PrismaClient, meta: ChangeMeta, policy: TokenPolicy): Promise<{ policy: TokenPolicy; beyond: number }> {
  await db.$transaction(async (tx) => {
    const before = await tokenPolicyOf(tx, meta.orgId);
    if (before.maxLifetimeDays === policy.maxLifetimeDays && before.expiryRequired === policy.expiryRequired) return;
    await tx.organization.update({
      where: { id: meta.orgId },
      data: { tokenMaxLifetimeDays: policy.maxLifetimeDays, tokenExpiryRequired: policy.expiryRequired },
    });
    await audit(tx, {
      ...meta,
      action: "org.token_policy_updated",
      target: { type: "org", id: meta.orgId },
      metadata: { from: { ...before }, to: { ...policy } },
    });
  });
  return { policy, beyond: await countBeyondPolicy(db, meta.orgId, policy) };
}
