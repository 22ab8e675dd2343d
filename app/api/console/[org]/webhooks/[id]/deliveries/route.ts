import { z } from "zod";
import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { endpointView, listDeliveries } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

const query = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

/** An endpoint's deliveries log, live (admins): event, attempts, response, latency, next retry. */
export const GET = sessionRoute<{ org: string; id: string }>(async ({ request, params, ctx, db }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return errorResponse(400, "Invalid query.");
  const endpoint = await endpointView(db, ctx.org.id, params.id);
  if (!endpoint) return errorResponse(404, "Not found.");
  return json({ endpoint, deliveries: await listDeliveries(db, ctx.org.id, params.id, parsed.data.page) });
}, "org:manage");
