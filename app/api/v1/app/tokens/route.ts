import { ApiError } from "@/lib/api/errors";
import { parseJson } from "@/lib/api/body";
import { json, requirePermission, tokenRoute } from "@/lib/api/handler";
import { apiChangeMeta, WORKSPACE_API } from "@/lib/api/workspace";
import { createTokenBody, listTokensQuery } from "@/lib/api/workspace-schemas";
import { serializeToken } from "@/lib/api/workspace-serializers";
import { issueToken, listTokens, TokenError } from "@/lib/tokens/service";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db, request }) => {
  requirePermission(principal, "tokens:read");
  const url = new URL(request.url);
  const parsed = listTokensQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(400, `Invalid query parameter "${issue.path.join(".")}": ${issue.message}`);
  }
  const { status, page, page_size } = parsed.data;
  const result = await listTokens(db, principal.orgId, "WORKSPACE", {
    status,
    page,
    pageSize: page_size,
    extra: principal.projectId ? { projectId: principal.projectId } : undefined,
  });
  return json({ data: result.items.map(serializeToken), page: result.page, page_count: result.pageCount, total: result.total });
});

export const POST = tokenRoute(WORKSPACE_API, async (ctx) => {
  const { principal } = ctx;
  requirePermission(principal, "tokens:create");
  const body = await parseJson(ctx.request, createTokenBody);
  // A token can never mint a token with more than it has.
  const excess = body.permissions.filter((p) => !principal.permissions.includes(p));
  if (excess.length) throw new ApiError(403, `This token cannot grant permissions it does not have: ${excess.join(", ")}.`);
  const projectId = body.project_id ?? principal.projectId;
  if (principal.projectId && projectId !== principal.projectId) {
    throw new ApiError(403, "This token is limited to one project and can only create tokens for it.");
  }
  const requested = body.expires_at ? new Date(body.expires_at) : null;
  if (requested && requested.getTime() <= Date.now()) throw new ApiError(400, 'Invalid field "expires_at": must be in the future.');
  // A child never outlives the token that made it.
  const parentExpiry = principal.expiresAt;
  const expiresAt = parentExpiry && (!requested || requested > parentExpiry) ? parentExpiry : requested;
  try {
    const { token, secret } = await issueToken(ctx.db, apiChangeMeta(ctx), {
      kind: "WORKSPACE",
      name: body.name,
      permissions: [...new Set(body.permissions)],
      projectId: projectId ?? null,
      expiresAt,
      // The new token acts for the same member as the calling one (none for organization tokens).
      createdById: principal.kind === "WORKSPACE" ? principal.createdById : null,
      createdByTokenId: principal.tokenId,
    });
    return json({ ...serializeToken(token), token: secret }, 201);
  } catch (error) {
    if (error instanceof TokenError) throw new ApiError(error.status, error.message);
    throw error;
  }
});
