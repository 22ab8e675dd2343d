"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, authorizeOrg, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { userActor } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { createGateway, deleteGateway, GatewayError, gatewayInputSchema, parseModelList, updateGateway } from "@/lib/gateways/service";
import type { OrgContext } from "@/lib/session";

function formInput(form: FormData) {
  return {
    name: form.get("name"),
    slug: form.get("slug"),
    upstreamType: form.get("upstreamType"),
    upstreamBaseUrl: form.get("upstreamBaseUrl") || undefined,
    upstreamApiKey: form.get("upstreamApiKey") || undefined,
    models: parseModelList(String(form.get("models") ?? "")),
  };
}

async function meta(ctx: OrgContext) {
  return { orgId: ctx.org.id, actor: userActor(ctx.user), ...(await requestMeta()) };
}

function asActionError(error: unknown): never {
  if (error instanceof GatewayError) throw new ActionError(error.message, error.field ? { [error.field]: error.message } : undefined);
  throw error;
}

export async function createGatewayAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const ctx = await authorizeOrg(orgSlug, "gateways:manage");
    const input = parseInput(gatewayInputSchema, formInput(form));
    const gateway = await createGateway(await getDb(), await meta(ctx), input).catch(asActionError);
    revalidatePath(`/o/${ctx.org.slug}/gateways`);
    return { slug: gateway.slug };
  });
}

export async function updateGatewayAction(orgSlug: string, id: string, _prev: unknown, form: FormData): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const ctx = await authorizeOrg(orgSlug, "gateways:manage");
    const gatewayId = parseInput(z.string().min(1).max(64), id);
    const input = parseInput(gatewayInputSchema, formInput(form));
    const gateway = await updateGateway(await getDb(), await meta(ctx), gatewayId, input).catch(asActionError);
    revalidatePath(`/o/${ctx.org.slug}/gateways`, "layout");
    return { slug: gateway.slug };
  });
}

/** Deletes only when `confirmation` is exactly the gateway's slug. */
export async function deleteGatewayAction(orgSlug: string, id: string, confirmation: string): Promise<ActionResult<{ revoked: number }>> {
  return runAction(async () => {
    const ctx = await authorizeOrg(orgSlug, "gateways:manage");
    const prisma = await getDb();
    const gateway = await prisma.gateway.findFirst({ where: { id: String(id), orgId: ctx.org.id } });
    if (!gateway) throw new ActionError("Gateway not found.");
    if (confirmation !== gateway.slug) throw new ActionError("Type the gateway's slug exactly to confirm.");
    const result = await deleteGateway(prisma, await meta(ctx), gateway.id).catch(asActionError);
    revalidatePath(`/o/${ctx.org.slug}/gateways`);
    return result;
  });
}
