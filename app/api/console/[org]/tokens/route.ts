import { z } from "zod";
import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { gatewayBySlug } from "@/lib/gateways/service";
import { consoleTokenPage, listParams } from "@/lib/tokens/console";
import { KIND_SLUGS, kindOfSlug } from "@/lib/tokens/kinds";
import { canSeeKind } from "@/lib/tokens/policy";

export const dynamic = "force-dynamic";

const scope = z.object({ kind: z.enum(KIND_SLUGS), gateway: z.string().max(40).optional() });

/** The console's live token list (metadata only, never a secret), with the list page's URL state. */
export const GET = sessionRoute<{ org: string }>(async ({ request, ctx, db }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = scope.safeParse(params);
  if (!parsed.success) return errorResponse(400, "Invalid query.");
  const kind = kindOfSlug(parsed.data.kind);
  if (!canSeeKind(ctx, kind)) return errorResponse(404, "Not found.");
  const gateway = parsed.data.gateway ? await gatewayBySlug(db, ctx.org.id, parsed.data.gateway) : null;
  if (parsed.data.gateway && !gateway) return errorResponse(404, "Not found.");
  return json(await consoleTokenPage(db, ctx, kind, listParams(params), { gatewayId: gateway?.id }));
});
