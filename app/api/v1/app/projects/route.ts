import { parseJson } from "@/lib/api/body";
import { json } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { apiChangeMeta, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeProject } from "@/lib/api/workspace-serializers";
import { DomainError } from "@/lib/errors";
import { createProject, listProjects } from "@/lib/projects/service";
import { createProjectBody } from "@/lib/schemas/workspace-api";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
  requirePermission(principal, "projects:read");
  return json({ data: (await listProjects(db, principal.orgId, principal.projectId)).map(serializeProject) });
});

export const POST = tokenRoute(WORKSPACE_API, async (ctx) => {
  requirePermission(ctx.principal, "projects:write");
  if (ctx.principal.projectId) throw new DomainError("forbidden", "This token is limited to one project and cannot create projects.");
  const { name } = await parseJson(ctx.request, createProjectBody);
  return json(serializeProject(await createProject(ctx.db, apiChangeMeta(ctx), name)), 201);
});
