/**
 * The Workspace API's rules for tokens acting on the org (docs/contract.md §2,
 * §2.1): a token acts for whom its creator acted, within its project, and never
 * grants more than it holds or outlives itself in what it mints.
 */
import "server-only";
import type { z } from "zod";
import type { ChangeMeta } from "@/lib/audit/record";
import { canManageToken } from "@/lib/authz";
import { DomainError } from "@/lib/errors";
import { MAX_USAGE_BUCKETS, type createTokenBody, type usageQuery } from "@/lib/schemas/workspace-api";
import { grantable } from "@/lib/tokens/policy";
import { issueToken, revokeToken, updateTokenDetails, workspaceTokenOwner } from "@/lib/tokens/service";
import { bucketCount, tokenUsageSeries, usageRange } from "@/lib/usage/series";
import type { Principal } from "@/lib/tokens/verify";
import type { ApiContext, RouteOptions } from "./token-route";

/** Every `/api/v1/app/*` route: workspace and organization tokens, with `x-org`. `me` alone accepts every kind. */
export const WORKSPACE_API: RouteOptions = { kinds: ["WORKSPACE", "ORGANIZATION"], requireOrgHeader: true };

/** Audit context for a change made through the API: the token is the actor. */
export function apiChangeMeta(ctx: ApiContext<unknown>): ChangeMeta {
  return {
    orgId: ctx.principal.orgId,
    actor: { type: "token", id: ctx.principal.tokenId, label: ctx.principal.name },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  };
}

/** A token limited to one project sees only that project; others are "not found" to it. */
export function assertProjectInScope(principal: Principal, projectId: string): void {
  if (principal.projectId && principal.projectId !== projectId) throw new DomainError("not_found", "Project not found.");
}

/**
 * A workspace token minted by the calling token: within the caller's
 * permissions and project, expiring no later than the caller, acting for the
 * same member (none for an organization token), and recorded as its child.
 */
export async function mintWorkspaceToken(ctx: ApiContext<unknown>, body: z.output<typeof createTokenBody>) {
  const { principal } = ctx;
  const permissions = grantable(body.permissions, principal.permissions, "token");
  const projectId = body.project_id ?? principal.projectId;
  if (principal.projectId && projectId !== principal.projectId) {
    throw new DomainError("forbidden", "This token is limited to one project and can only create tokens for it.", "project_id");
  }
  const requested = body.expires_at ? new Date(body.expires_at) : null;
  const ceiling = principal.expiresAt;
  return issueToken(ctx.db, apiChangeMeta(ctx), {
    kind: "WORKSPACE",
    name: body.name,
    description: body.description ?? null,
    permissions,
    projectId: projectId ?? null,
    expiresAt: ceiling && (!requested || requested > ceiling) ? ceiling : requested,
    createdById: principal.kind === "WORKSPACE" ? principal.createdById : null,
    createdByTokenId: principal.tokenId,
  });
}

/** A workspace token of the org within the caller's project, or 404. */
async function visibleWorkspaceToken(ctx: ApiContext<unknown>, id: string) {
  const target = await workspaceTokenOwner(ctx.db, ctx.principal.orgId, id);
  if (!target || (ctx.principal.projectId && target.projectId !== ctx.principal.projectId)) throw new DomainError("not_found", "Token not found.");
  return target;
}

/** A workspace token the caller may change (developers' tokens: their own member's), or 403/404. */
async function manageableWorkspaceToken(ctx: ApiContext<unknown>, id: string, doing: string) {
  const { principal } = ctx;
  const target = await visibleWorkspaceToken(ctx, id);
  const actor = { role: principal.role, userId: principal.kind === "WORKSPACE" ? principal.createdById : null, tokenId: principal.tokenId };
  if (!canManageToken(actor, target)) throw new DomainError("forbidden", `This token may only ${doing} tokens of its own member.`);
  return target;
}

/** Revokes a workspace token of the org the caller may manage (and what it minted). */
export async function revokeWorkspaceToken(ctx: ApiContext<unknown>, id: string) {
  return revokeToken(ctx.db, apiChangeMeta(ctx), (await manageableWorkspaceToken(ctx, id, "revoke")).id);
}

/** Renames a workspace token the caller may manage, and/or sets its description. */
export async function updateWorkspaceToken(ctx: ApiContext<unknown>, id: string, input: { name?: string; description?: string | null }) {
  return updateTokenDetails(ctx.db, apiChangeMeta(ctx), (await manageableWorkspaceToken(ctx, id, "change")).id, input);
}

/** A workspace token's usage series; the range bounded so one request cannot ask for millions of buckets. */
export async function usageOfWorkspaceToken(ctx: ApiContext<unknown>, id: string, query: z.output<typeof usageQuery>) {
  const target = await visibleWorkspaceToken(ctx, id);
  const range = usageRange(query.granularity, query.from ? new Date(query.from) : undefined, query.to ? new Date(query.to) : undefined);
  if (range.from >= range.to) throw new DomainError("invalid", 'Invalid query parameter "from": it must be before "to".', "from");
  if (bucketCount(range) > MAX_USAGE_BUCKETS) {
    throw new DomainError("invalid", `Invalid query parameter "from": at most ${MAX_USAGE_BUCKETS} ${query.granularity}s per request.`, "from");
  }
  return { range, ...(await tokenUsageSeries(ctx.db, target.id, range)) };
}
