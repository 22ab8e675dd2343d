import { json } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { revokeWorkspaceToken, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeToken } from "@/lib/api/workspace-serializers";

export const dynamic = "force-dynamic";

/** Revokes a workspace token of the org, and every token it minted (docs/contract.md §2.1). */
export const DELETE = tokenRoute<{ id: string }>(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "tokens:delete");
  const { token, minted } = await revokeWorkspaceToken(ctx, ctx.params.id);
  return json({ ...serializeToken(token), also_revoked: minted.map(({ id, name, masked }) => ({ id, name, masked })) });
});
