/**
 * What a member or a token may do with tokens, on top of lib/authz.ts's table:
 * which kinds they see and create, what they may grant, and which changes they
 * may make to a given token now.
 */
import "server-only";
import { can, canManageToken, rolePermissions, type ApiPermission } from "@/lib/authz";
import type { OrgContext } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { allowedActions } from "./status";
import type { TokenView } from "./service";

/** May this member see the list of tokens of this kind? Organization tokens are admin-only. */
export function canSeeKind(ctx: Pick<OrgContext, "role">, kind: TokenKind): boolean {
  return kind === "ORGANIZATION" ? can(ctx.role, "orgTokens:manage") : true;
}

export function canCreateKind(ctx: Pick<OrgContext, "role">, kind: TokenKind): boolean {
  return kind === "ORGANIZATION" ? can(ctx.role, "orgTokens:manage") : can(ctx.role, "tokens:create");
}

/** Permissions this member may put on a workspace token: never more than their role holds. */
export function grantablePermissions(ctx: Pick<OrgContext, "role">): ApiPermission[] {
  return rolePermissions(ctx.role);
}

/**
 * Nobody grants more than they hold (docs/contract.md §2): a member what their
 * role holds, a token what it holds itself. Returns the requested permissions,
 * each once; refuses naming those that are not held.
 */
export function grantable(requested: ApiPermission[], held: readonly ApiPermission[], who: "member" | "token"): ApiPermission[] {
  const excess = requested.filter((p) => !held.includes(p));
  if (excess.length) {
    const message = who === "member" ? `Your role cannot grant: ${excess.join(", ")}.` : `This token cannot grant permissions it does not have: ${excess.join(", ")}.`;
    throw new DomainError("forbidden", message, "permissions");
  }
  return [...new Set(requested)];
}

export interface RowActions {
  /** Edit guard rails, end a rotation overlap. */
  manage: boolean;
  regenerate: boolean;
  activate: boolean;
  deactivate: boolean;
  revoke: boolean;
}

/** What the viewing member may do to this token now: their rights, intersected with what its status allows. */
export function rowActions(ctx: Pick<OrgContext, "role" | "user">, token: TokenView): RowActions {
  const mayManage = canManageToken({ role: ctx.role, userId: ctx.user.id }, token);
  const allowed = allowedActions(token.status);
  return {
    manage: mayManage && token.status !== "REVOKED",
    regenerate: mayManage && allowed.regenerate,
    activate: mayManage && allowed.activate,
    deactivate: mayManage && allowed.deactivate,
    revoke: mayManage && allowed.revoke,
  };
}
