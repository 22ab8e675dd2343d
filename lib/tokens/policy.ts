import { can, canManageToken, rolePermissions, type ApiPermission } from "@/lib/authz";
import type { OrgContext } from "@/lib/session";
import type { TokenKind } from "./format";
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
