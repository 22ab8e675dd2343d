import { z } from "zod";
import { errorResponse } from "@/lib/api/errors";
import { getDb } from "@/lib/db/client";
import { consoleTokenPage, KIND_SLUGS } from "@/lib/tokens/console";
import { canSeeKind } from "@/lib/tokens/policy";
import { DISPLAY_STATUSES } from "@/lib/tokens/status";
import { orgContext } from "@/lib/session";

export const dynamic = "force-dynamic";

const query = z.object({
  kind: z.enum(Object.keys(KIND_SLUGS) as [keyof typeof KIND_SLUGS]),
  status: z.enum(DISPLAY_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  gateway: z.string().max(40).optional(),
});

/** The console's live token list (session-authenticated; metadata only, never a secret). */
export async function GET(request: Request, { params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgContext((await params).org);
  if (!ctx) return errorResponse(404, "Not found.");
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return errorResponse(400, "Invalid query.");
  const kind = KIND_SLUGS[parsed.data.kind];
  if (!canSeeKind(ctx, kind)) return errorResponse(404, "Not found.");
  let gatewayId: string | undefined;
  if (parsed.data.gateway) {
    const gateway = await (await getDb()).gateway.findUnique({ where: { orgId_slug: { orgId: ctx.org.id, slug: parsed.data.gateway } } });
    if (!gateway) return errorResponse(404, "Not found.");
    gatewayId = gateway.id;
  }
  const page = await consoleTokenPage(ctx, kind, { status: parsed.data.status, page: parsed.data.page, gatewayId });
  return Response.json(page, { headers: { "cache-control": "no-store" } });
}
