import { parseJson } from "@/lib/api/body";
import { json } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { apiChangeMeta, assertProjectInScope, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeProject } from "@/lib/api/workspace-serializers";
import { deleteProject, getProject, renameProject } from "@/lib/projects/service";
import { updateProjectBody } from "@/lib/schemas/workspace-api";

export const dynamic = "force-dynamic";
type Params = { id: string };

export const GET = tokenRoute<Params>(WORKSPACE_API, async ({ principal, db, params }) => {
  requirePermission(principal, "projects:read");
  assertProjectInScope(principal, params.id);
  return json(serializeProject(await getProject(db, principal.orgId, params.id)));
});

export const PATCH = tokenRoute<Params>(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  assertProjectInScope(ctx.principal, ctx.params.id);
  const { name } = await parseJson(ctx.request, updateProjectBody);
  return json(serializeProject(await renameProject(ctx.db, apiChangeMeta(ctx), ctx.params.id, name)));
});

export const DELETE = tokenRoute<Params>(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  assertProjectInScope(ctx.principal, ctx.params.id);
  await deleteProject(ctx.db, apiChangeMeta(ctx), ctx.params.id);
  return new Response(null, { status: 204 });
});
