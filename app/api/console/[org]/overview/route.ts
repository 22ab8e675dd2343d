import { json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { orgOverview } from "@/lib/usage/console";

export const dynamic = "force-dynamic";

/** The org overview's figures (`?granularity=hour|day`): requests by kind, busiest tokens, tokens needing attention. */
export const GET = sessionRoute<{ org: string }>(async ({ request, ctx, db }) => {
  const granularity = new URL(request.url).searchParams.get("granularity") === "hour" ? "hour" : "day";
  return json(await orgOverview(db, ctx, granularity));
});
