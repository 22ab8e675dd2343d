import { errorResponse, json } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { consoleTokenOf } from "@/lib/tokens/console";
import { canSeeKind } from "@/lib/tokens/policy";
import { liveMintedTokens, tokenActivity, tokenView } from "@/lib/tokens/service";

export const dynamic = "force-dynamic";

/** One token's details, its recent activity, and the live tokens it minted (for the details panel and the revoke dialog). */
export const GET = sessionRoute<{ org: string; id: string }>(async ({ params, ctx, db }) => {
  const token = await tokenView(db, ctx.org.id, params.id);
  if (!token || !canSeeKind(ctx, token.kind)) return errorResponse(404, "Token not found.");
  const [activity, minted] = await Promise.all([tokenActivity(db, ctx.org.id, token.id), liveMintedTokens(db, ctx.org.id, token.id)]);
  return json({ token: await consoleTokenOf(db, ctx, token), activity, minted });
});
