"use server";

/** Console actions on gateways (admins). The upstream's addresses are checked by the service when saving. */
import { revalidatePath } from "next/cache";
import { createGateway, deleteGateway, updateGateway } from "@/lib/gateways/service";
import { gatewayDelete, gatewayInput, gatewayUpdate } from "@/lib/schemas/gateways";
import { orgAction } from "./frame";

export const createGatewayAction = orgAction("gateways:manage", gatewayInput, async (input, c) => {
  const gateway = await createGateway(c.db, c.meta, input);
  revalidatePath(`/o/${c.ctx.org.slug}/gateways`);
  return { slug: gateway.slug };
});

export const updateGatewayAction = orgAction("gateways:manage", gatewayUpdate, async ({ id, ...input }, c) => {
  const gateway = await updateGateway(c.db, c.meta, id, input);
  revalidatePath(`/o/${c.ctx.org.slug}/gateways`, "layout");
  return { slug: gateway.slug };
});

/** Deletes only when `confirmation` is exactly the gateway's slug. */
export const deleteGatewayAction = orgAction("gateways:manage", gatewayDelete, async ({ id, confirmation }, c) => {
  const result = await deleteGateway(c.db, c.meta, id, confirmation);
  revalidatePath(`/o/${c.ctx.org.slug}/gateways`);
  return result;
});
