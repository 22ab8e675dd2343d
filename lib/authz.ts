/**
 * Who may do what: docs/contract.md §1's table, in one place. Server actions, pages and API
 * route handlers all ask here; none trusts the client for an org or a role.
 */
import type { Role } from "@/lib/generated/prisma/enums";

export const ROLES = ["VIEWER", "DEVELOPER", "ADMIN"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  VIEWER: "Viewer",
  DEVELOPER: "Developer",
  ADMIN: "Admin",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  VIEWER: "Sees projects, gateways, members and token metadata.",
  DEVELOPER: "Also manages projects and creates and manages their own tokens.",
  ADMIN: "Full control: gateways, organization tokens, members, audit log, any token.",
};

const RANK: Record<Role, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Console actions and the least role that may take them. */
const MINIMUM_ROLE = {
  "org:read": "VIEWER",
  "projects:write": "DEVELOPER",
  "tokens:create": "DEVELOPER",
  "gateways:manage": "ADMIN",
  "orgTokens:manage": "ADMIN",
  "members:manage": "ADMIN",
  "audit:read": "ADMIN",
  "org:manage": "ADMIN",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof MINIMUM_ROLE;

export function can(role: Role, action: Action): boolean {
  return roleAtLeast(role, MINIMUM_ROLE[action]);
}

/**
 * Regenerate / activate / deactivate / revoke a workspace or gateway token:
 * developers their own, admins any. Organization tokens: admins only.
 */
export function canManageToken(
  actor: { role: Role; userId: string | null; tokenId?: string | null },
  token: { kind: "WORKSPACE" | "GATEWAY" | "ORGANIZATION"; createdById: string | null; createdByTokenId?: string | null },
): boolean {
  if (actor.role === "ADMIN") return true;
  if (token.kind === "ORGANIZATION" || actor.role !== "DEVELOPER") return false;
  // "Own" is the member the actor works for; a token acting without a member
  // (an organization token) owns the tokens it created itself.
  if (actor.userId) return token.createdById === actor.userId;
  return Boolean(actor.tokenId) && token.createdByTokenId === actor.tokenId;
}

/** Permissions a workspace token can carry (docs/contract.md §2), in display order. */
export const API_PERMISSIONS = [
  "projects:read",
  "projects:write",
  "tokens:read",
  "tokens:create",
  "tokens:delete",
  "members:read",
] as const;
export type ApiPermission = (typeof API_PERMISSIONS)[number];

export const API_PERMISSION_LABELS: Record<ApiPermission, string> = {
  "projects:read": "View projects",
  "projects:write": "Manage projects",
  "tokens:read": "View API tokens",
  "tokens:create": "Create API tokens",
  "tokens:delete": "Delete API tokens",
  "members:read": "View members",
};

/** The API permissions each role holds: what a member may grant, and what an organization token acts with. */
export function rolePermissions(role: Role): ApiPermission[] {
  const viewer: ApiPermission[] = ["projects:read", "tokens:read", "members:read"];
  if (role === "VIEWER") return viewer;
  return [...API_PERMISSIONS];
}
