import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { consoleRequestLog } from "@/lib/usage/console";

export const dynamic = "force-dynamic";

/** One page of a token's request log, newest first (`?older=<cursor>` for the next page). */
export const GET = sessionRoute<{ org: string; id: string }>(async ({ request, params, ctx, db }) => {
  const page = await consoleRequestLog(db, ctx, params.id, new URL(request.url).searchParams.get("older") ?? undefined);
  return page ? json(page) : errorResponse(404, "Token not found.");
});
