import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { consoleTokenUsage } from "@/lib/usage/console";

export const dynamic = "force-dynamic";

/** One token's usage chart data (`?granularity=hour|day`), for the details panel. */
export const GET = sessionRoute<{ org: string; id: string }>(async ({ request, params, ctx, db }) => {
  const granularity = new URL(request.url).searchParams.get("granularity") === "hour" ? "hour" : "day";
  const usage = await consoleTokenUsage(db, ctx, params.id, granularity);
  return usage ? json(usage) : errorResponse(404, "Token not found.");
});
