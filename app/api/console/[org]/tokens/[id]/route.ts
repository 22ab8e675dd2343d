import { errorResponse } from "@/lib/api/errors";
import { getDb } from "@/lib/db/client";
import { consoleToken } from "@/lib/tokens/console";
import { canSeeKind } from "@/lib/tokens/policy";
import { liveMintedTokens, tokenActivity, tokenView } from "@/lib/tokens/service";
import { orgContext } from "@/lib/session";

export const dynamic = "force-dynamic";

/** One token's details and recent activity, for the details panel. */
export async function GET(_request: Request, { params }: { params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const ctx = await orgContext(org);
  if (!ctx) return errorResponse(404, "Not found.");
  const prisma = await getDb();
  const token = await tokenView(prisma, ctx.org.id, id);
  if (!token || !canSeeKind(ctx, token.kind)) return errorResponse(404, "Token not found.");
  const [activity, minted] = await Promise.all([tokenActivity(prisma, ctx.org.id, id), liveMintedTokens(prisma, ctx.org.id, id)]);
  return Response.json({ token: consoleToken(ctx, token), activity, minted }, { headers: { "cache-control": "no-store" } });
}
