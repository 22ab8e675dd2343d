import { ApiError } from "@/lib/api/errors";
import { parseJson } from "@/lib/api/body";
import { json, requirePermission, tokenRoute } from "@/lib/api/handler";
import { apiChangeMeta, assertProjectInScope, WORKSPACE_API } from "@/lib/api/workspace";
import { updateProjectBody } from "@/lib/api/workspace-schemas";
import { serializeProject } from "@/lib/api/workspace-serializers";
import { deleteProject, ProjectNameTaken, renameProject } from "@/lib/projects";

export const dynamic = "force-dynamic";
type Params = { id: string };

export const GET = tokenRoute<Params>(WORKSPACE_API, async ({ principal, db, params }) => {
  requirePermission(principal, "projects:read");
  assertProjectInScope(principal, params.id);
  const project = await db.project.findFirst({ where: { id: params.id, orgId: principal.orgId } });
  if (!project) throw new ApiError(404, "Project not found.");
  return json(serializeProject(project));
});

export const PATCH = tokenRoute<Params>(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  assertProjectInScope(ctx.principal, ctx.params.id);
  const { name } = await parseJson(ctx.request, updateProjectBody);
  try {
    const project = await renameProject(ctx.db, apiChangeMeta(ctx), ctx.params.id, name);
    if (!project) throw new ApiError(404, "Project not found.");
    return json(serializeProject(project));
  } catch (error) {
    if (error instanceof ProjectNameTaken) throw new ApiError(409, error.message);
    throw error;
  }
});

export const DELETE = tokenRoute<Params>(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  assertProjectInScope(ctx.principal, ctx.params.id);
  if (!(await deleteProject(ctx.db, apiChangeMeta(ctx), ctx.params.id))) throw new ApiError(404, "Project not found.");
  return new Response(null, { status: 204 });
});
