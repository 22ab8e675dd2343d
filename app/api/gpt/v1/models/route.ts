import { json } from "@/lib/api/responses";
import { tokenRoute } from "@/lib/api/token-route";
import { GATEWAY_API, resolveGateway } from "@/lib/gateways/api";

export const dynamic = "force-dynamic";

/** The gateway's models, in the shape of Anthropic's List Models API. */
export const GET = tokenRoute(GATEWAY_API, async ({ request, principal, db }) => {
  const gateway = await resolveGateway(db, principal, request.headers);
  // A token limited to some models sees only those.
  const models = principal.allowedModels.length ? gateway.models.filter((m) => principal.allowedModels.includes(m)) : gateway.models;
  const data = models.map((id) => ({ type: "model", id, display_name: id, created_at: gateway.createdAt.toISOString() }));
  return json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
});
