import { parseJson, parseQuery } from "@/lib/api/body";
import { json } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { mintWorkspaceToken, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeToken } from "@/lib/api/workspace-serializers";
import { createTokenBody, listTokensQuery } from "@/lib/schemas/workspace-api";
import { listTokens } from "@/lib/tokens/service";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db, request }) => {
  requirePermission(principal, "tokens:read");
  const { status, page, page_size } = parseQuery(request, listTokensQuery);
  const result = await listTokens(db, principal.orgId, "WORKSPACE", {
    status,
    page,
    pageSize: page_size,
    extra: principal.projectId ? { projectId: principal.projectId } : undefined,
  });
  return json({ data: result.items.map(serializeToken), page: result.page, page_count: result.pageCount, total: result.total });
});

export const POST = tokenRoute(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "tokens:create");
  const { token, secret } = await mintWorkspaceToken(ctx, await parseJson(ctx.request, createTokenBody));
  return json({ ...serializeToken(token), token: secret }, 201);
});
