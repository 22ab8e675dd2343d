/**
 * The Workspace API (`/api/v1/*`, docs/contract.md §4), one handler per method
 * and path; the data plane's route table (lib/data-plane/routes.ts) mounts them.
 */
import "server-only";
import { parseJson, parseQuery } from "@/lib/api/body";
import { openApiDocument } from "@/lib/api/openapi";
import { errorResponse, json, JsonResponse } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { apiChangeMeta, assertProjectInScope, mintWorkspaceToken, revokeWorkspaceToken, updateWorkspaceToken, usageOfWorkspaceToken, WORKSPACE_API } from "@/lib/api/workspace";
import { serializeMe, serializeMember, serializeProject, serializeToken, serializeUsage } from "@/lib/api/workspace-serializers";
import { DomainError } from "@/lib/errors";
import { listMembers } from "@/lib/members/service";
import { createProject, deleteProject, getProject, listProjects, renameProject } from "@/lib/projects/service";
import { reportLeakedToken } from "@/lib/leaks/report";
import { createProjectBody, createTokenBody, listTokensQuery, reportLeakBody, updateProjectBody, updateTokenBody, usageQuery } from "@/lib/schemas/workspace-api";
import { listTokens } from "@/lib/tokens/service";

type IdParams = { id: string };

/** Accepts every kind of token, so any token can be verified with one call. */
export const me = {
  GET: tokenRoute({ kinds: ["WORKSPACE", "GATEWAY", "ORGANIZATION"], requireOrgHeader: true }, async ({ principal }) => json(serializeMe(principal))),
};

export const projects = {
  GET: tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
    requirePermission(principal, "projects:read");
    return json({ data: (await listProjects(db, principal.orgId, principal.projectId)).map(serializeProject) });
  }),
  POST: tokenRoute(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "projects:write");
    if (ctx.principal.projectId) throw new DomainError("forbidden", "This token is limited to one project and cannot create projects.");
    const { name } = await parseJson(ctx.request, createProjectBody);
    return json(serializeProject(await createProject(ctx.db, apiChangeMeta(ctx), name)), 201);
  }),
};

export const project = {
  GET: tokenRoute<IdParams>(WORKSPACE_API, async ({ principal, db, params }) => {
    requirePermission(principal, "projects:read");
    assertProjectInScope(principal, params.id);
    return json(serializeProject(await getProject(db, principal.orgId, params.id)));
  }),
  PATCH: tokenRoute<IdParams>(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "projects:write");
    assertProjectInScope(ctx.principal, ctx.params.id);
    const { name } = await parseJson(ctx.request, updateProjectBody);
    return json(serializeProject(await renameProject(ctx.db, apiChangeMeta(ctx), ctx.params.id, name)));
  }),
  DELETE: tokenRoute<IdParams>(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "projects:write");
    assertProjectInScope(ctx.principal, ctx.params.id);
    await deleteProject(ctx.db, apiChangeMeta(ctx), ctx.params.id);
    return new Response(null, { status: 204 });
  }),
};

export const tokens = {
  GET: tokenRoute(WORKSPACE_API, async ({ principal, db, request }) => {
    requirePermission(principal, "tokens:read");
    const { status, page, page_size } = parseQuery(request, listTokensQuery);
    const result = await listTokens(db, principal.orgId, "WORKSPACE", { status, page, pageSize: page_size, projectId: principal.projectId ?? undefined });
    const pageCount = Math.max(1, Math.ceil(result.total / page_size));
    return json({ data: result.items.map(serializeToken), page: Math.min(page, pageCount), page_count: pageCount, total: result.total });
  }),
  POST: tokenRoute(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "tokens:create");
    const { token, secret } = await mintWorkspaceToken(ctx, await parseJson(ctx.request, createTokenBody));
    return json({ ...serializeToken(token), token: secret }, 201);
  }),
};

export const token = {
  /** Renames a workspace token and sets its description (the tokens the caller may manage). */
  PATCH: tokenRoute<IdParams>(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "tokens:create");
    const body = await parseJson(ctx.request, updateTokenBody);
    return json(serializeToken(await updateWorkspaceToken(ctx, ctx.params.id, { name: body.name, description: body.description })));
  }),
  /** Revokes a workspace token of the org, and every token it minted (docs/contract.md §2.1). */
  DELETE: tokenRoute<IdParams>(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "tokens:delete");
    const { token, minted } = await revokeWorkspaceToken(ctx, ctx.params.id);
    return json({ ...serializeToken(token), also_revoked: minted.map(({ id, name, masked }) => ({ id, name, masked })) });
  }),
};

/** A workspace token's calls per hour or day by outcome (and model tokens), from the usage buckets. */
export const tokenUsage = {
  GET: tokenRoute<IdParams>(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "tokens:read");
    const query = parseQuery(ctx.request, usageQuery);
    return json(serializeUsage(ctx.params.id, await usageOfWorkspaceToken(ctx, ctx.params.id, query)));
  }),
};

export const members = {
  GET: tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
    requirePermission(principal, "members:read");
    return json({ data: (await listMembers(db, principal.orgId)).map(serializeMember) });
  }),
};

/** An admin token reports a token of its org leaked; the org's leak policy decides what happens (docs/secret-scanning.md). */
export const reportLeak = {
  POST: tokenRoute(WORKSPACE_API, async (ctx) => {
    requirePermission(ctx.principal, "tokens:delete");
    if (ctx.principal.role !== "ADMIN") throw new DomainError("forbidden", "Only a token acting with the ADMIN role may report leaked tokens.");
    const body = await parseJson(ctx.request, reportLeakBody);
    const result = await reportLeakedToken(ctx.db, apiChangeMeta(ctx), body, "api");
    return json({ token: result.token, outcome: result.outcome, also_revoked: result.alsoRevoked });
  }),
};

let document: string | null = null;
/** The OpenAPI document, generated once per process from the schemas the routes validate with. */
export const openapi = {
  GET: async () => new JsonResponse((document ??= JSON.stringify(openApiDocument())), { status: 200, headers: { "cache-control": "public, max-age=300" } }),
};

/** Unknown API paths answer in the API's JSON error shape, never an HTML page. */
export const unknownEndpoint = async () => errorResponse(404, "No such endpoint.");
