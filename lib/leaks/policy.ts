/**
 * The org's leak policy (Settings, admins): what a leak report does to a live
 * token, revoke at once (the default) or only flag it. Audited.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { LeakPolicy } from "@/lib/generated/prisma/enums";
import { audit, type ChangeMeta } from "@/lib/audit/record";

export async function leakPolicyOf(db: PrismaClient, orgId: string): Promise<LeakPolicy> {
  return (await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { leakPolicy: true } })).leakPolicy;
}

export async function setLeakPolicy(db: PrismaClient, meta: ChangeMeta, policy: LeakPolicy): Promise<LeakPolicy> {
  await db.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<Array<{ leakPolicy: LeakPolicy; name: string }>>`
      SELECT "leakPolicy", name FROM "Organization" WHERE id = ${meta.orgId} FOR UPDATE`;
    if (current.leakPolicy === policy) return;
    await tx.organization.update({ where: { id: meta.orgId }, data: { leakPolicy: policy } });
    await audit(tx, { ...meta, action: "org.leak_policy_changed", target: { type: "org", id: meta.orgId, label: current.name }, metadata: { from: current.leakPolicy, to: policy } });
  });
  return policy;
}
