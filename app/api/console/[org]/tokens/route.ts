import { z } from "zod";
import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { gatewayBySlug } from "@/lib/gateways/service";
import { consoleTokenPage } from "@/lib/tokens/console";
import { KIND_SLUGS, kindOfSlug } from "@/lib/tokens/kinds";
import { canSeeKind } from "@/lib/tokens/policy";
import { DISPLAY_STATUSES } from "@/lib/tokens/status";

export const dynamic = "force-dynamic";

const query = z.object({
  kind: z.enum(KIND_SLUGS),
  status: z.enum(DISPLAY_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  gateway: z.string().max(40).optional(),
});

/** The console's live token list (metadata only, never a secret). */
export const GET = sessionRoute<{ org: string }>(async ({ request, ctx, db }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return errorResponse(400, "Invalid query.");
  const kind = kindOfSlug(parsed.data.kind);
  if (!canSeeKind(ctx, kind)) return errorResponse(404, "Not found.");
  const gateway = parsed.data.gateway ? await gatewayBySlug(db, ctx.org.id, parsed.data.gateway) : null;
  if (parsed.data.gateway && !gateway) return errorResponse(404, "Not found.");
  return json(await consoleTokenPage(db, ctx, kind, { status: parsed.data.status, page: parsed.data.page, gatewayId: gateway?.id }));
});
