import "server-only";
import type { Principal } from "@/lib/tokens/verify";
import type { ChangeMeta } from "@/lib/tokens/service";
import { ApiError } from "./errors";
import type { ApiContext, RouteOptions } from "./handler";

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
  if (principal.projectId && principal.projectId !== projectId) throw new ApiError(404, "Project not found.");
}
