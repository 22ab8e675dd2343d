import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { gatewayBySlug } from "@/lib/gateways/service";
import { gatewayBudgets } from "@/lib/usage/console";

export const dynamic = "force-dynamic";

/** A gateway's model tokens this month and its tokens' use against their budgets (the Developer Console). */
export const GET = sessionRoute<{ org: string; gateway: string }>(async ({ params, ctx, db }) => {
  const gateway = await gatewayBySlug(db, ctx.org.id, params.gateway);
  return gateway ? json(await gatewayBudgets(db, ctx, gateway.id)) : errorResponse(404, "Not found.");
});
