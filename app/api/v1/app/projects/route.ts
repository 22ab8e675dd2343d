import { ApiError } from "@/lib/api/errors";
import { parseJson } from "@/lib/api/body";
import { json, requirePermission, tokenRoute } from "@/lib/api/handler";
import { apiChangeMeta, WORKSPACE_API } from "@/lib/api/workspace";
import { createProjectBody } from "@/lib/api/workspace-schemas";
import { serializeProject } from "@/lib/api/workspace-serializers";
import { createProject, ProjectNameTaken } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
  requirePermission(principal, "projects:read");
  const projects = await db.project.findMany({
    where: { orgId: principal.orgId, ...(principal.projectId ? { id: principal.projectId } : {}) },
    orderBy: { createdAt: "desc" },
  });
  return json({ data: projects.map(serializeProject) });
});

export const POST = tokenRoute(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  if (ctx.principal.projectId) throw new ApiError(403, "This token is limited to one project and cannot create projects.");
  const { name } = await parseJson(ctx.request, createProjectBody);
  try {
    const project = await createProject(ctx.db, apiChangeMeta(ctx), name);
    return json(serializeProject(project), 201);
  } catch (error) {
    if (error instanceof ProjectNameTaken) throw new ApiError(409, error.message);
    throw error;
  }
});
