import { ApiError } from "@/lib/api/errors";
import { json, requirePermission, tokenRoute } from "@/lib/api/handler";
import { apiChangeMeta, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeToken } from "@/lib/api/workspace-serializers";
import { canManageToken } from "@/lib/authz";
import { revokeToken, TokenError } from "@/lib/tokens/service";

export const dynamic = "force-dynamic";

/** Revokes a workspace token of the org (SPEC §4). */
export const DELETE = tokenRoute<{ id: string }>(WORKSPACE_API, async (ctx) => {
  const { principal, db, params } = ctx;
  requirePermission(principal, "tokens:delete");
  const target = await db.token.findFirst({
    where: { id: params.id, orgId: principal.orgId, kind: "WORKSPACE" },
    select: { id: true, kind: true, createdById: true, createdByTokenId: true, projectId: true },
  });
  if (!target || (principal.projectId && target.projectId !== principal.projectId)) throw new ApiError(404, "Token not found.");
  const actor = { role: principal.role, userId: principal.kind === "WORKSPACE" ? principal.createdById : null, tokenId: principal.tokenId };
  if (!canManageToken(actor, target)) throw new ApiError(403, "This token may only revoke tokens of its own member.");
  try {
    const { token, minted } = await revokeToken(db, apiChangeMeta(ctx), target.id);
    return json({ ...serializeToken(token), also_revoked: minted.map(({ id, name, masked }) => ({ id, name, masked })) });
  } catch (error) {
    if (error instanceof TokenError) throw new ApiError(error.status, error.message);
    throw error;
  }
});
