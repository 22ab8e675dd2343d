"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorizeOrg, authorizeUser, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { audit, userActor } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { createOrganization, orgNameSchema } from "@/lib/orgs";

export async function createOrgAction(_prev: unknown, form: FormData): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const user = await authorizeUser();
    const { name } = parseInput(z.object({ name: orgNameSchema }), { name: form.get("name") });
    const meta = await requestMeta();
    const prisma = await getDb();
    const org = await prisma.$transaction(async (tx) => {
      const created = await createOrganization(tx, user.id, name);
      await audit(tx, { orgId: created.id, actor: userActor(user), action: "org.created", target: { type: "org", id: created.id, label: name }, ...meta });
      return created;
    });
    return { slug: org.slug };
  });
}

export async function renameOrgAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const ctx = await authorizeOrg(orgSlug, "org:manage");
    const { name } = parseInput(z.object({ name: orgNameSchema }), { name: form.get("name") });
    const meta = await requestMeta();
    await (await getDb()).$transaction(async (tx) => {
      await tx.organization.update({ where: { id: ctx.org.id }, data: { name } });
      await audit(tx, {
        orgId: ctx.org.id,
        actor: userActor(ctx.user),
        action: "org.renamed",
        target: { type: "org", id: ctx.org.id, label: name },
        metadata: { from: ctx.org.name, to: name },
        ...meta,
      });
    });
    revalidatePath(`/o/${ctx.org.slug}`, "layout");
    return undefined;
  }, "Organization renamed.");
}
