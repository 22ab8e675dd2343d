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
import type { createTokenBody } from "@/lib/schemas/workspace-api";
import { grantable } from "@/lib/tokens/policy";
import { issueToken, revokeToken, workspaceTokenOwner } from "@/lib/tokens/service";
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
    permissions,
    projectId: projectId ?? null,
    expiresAt: ceiling && (!requested || requested > ceiling) ? ceiling : requested,
    createdById: principal.kind === "WORKSPACE" ? principal.createdById : null,
    createdByTokenId: principal.tokenId,
  });
}

/** Revokes a workspace token of the org the caller may manage (and what it minted). */
export async function revokeWorkspaceToken(ctx: ApiContext<unknown>, id: string) {
  const { principal } = ctx;
  const target = await workspaceTokenOwner(ctx.db, principal.orgId, id);
  if (!target || (principal.projectId && target.projectId !== principal.projectId)) throw new DomainError("not_found", "Token not found.");
  const actor = { role: principal.role, userId: principal.kind === "WORKSPACE" ? principal.createdById : null, tokenId: principal.tokenId };
  if (!canManageToken(actor, target)) throw new DomainError("forbidden", "This token may only revoke tokens of its own member.");
  return revokeToken(ctx.db, apiChangeMeta(ctx), target.id);
}
