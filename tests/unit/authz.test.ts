import { describe, expect, it } from "vitest";

import { API_PERMISSIONS, can, canManageToken, roleAtLeast, rolePermissions, type Action } from "@/lib/authz";
import type { Role } from "@/lib/generated/prisma/enums";

// docs/contract.md §1, row by row: the roles that may take each console action.
const CONTRACT_TABLE: Record<Action, Role[]> = {
  "org:read": ["VIEWER", "DEVELOPER", "ADMIN"],
  "projects:write": ["DEVELOPER", "ADMIN"],
  "tokens:create": ["DEVELOPER", "ADMIN"],
  "gateways:manage": ["ADMIN"],
  "orgTokens:manage": ["ADMIN"],
  "members:manage": ["ADMIN"],
  "audit:read": ["ADMIN"],
  "org:manage": ["ADMIN"],
};
const ROLES: Role[] = ["VIEWER", "DEVELOPER", "ADMIN"];
const KINDS = ["WORKSPACE", "GATEWAY", "ORGANIZATION"] as const;

describe("can(role, action)", () => {
  const cases = Object.entries(CONTRACT_TABLE).flatMap(([action, allowed]) =>
    ROLES.map((role) => ({ action: action as Action, role, expected: allowed.includes(role) })),
  );

  it.each(cases)("$role → $action = $expected", ({ role, action, expected }) => {
    expect(can(role, action)).toBe(expected);
  });
});

describe("roleAtLeast", () => {
  it("orders VIEWER < DEVELOPER < ADMIN", () => {
    expect(roleAtLeast("ADMIN", "DEVELOPER")).toBe(true);
    expect(roleAtLeast("DEVELOPER", "DEVELOPER")).toBe(true);
    expect(roleAtLeast("DEVELOPER", "ADMIN")).toBe(false);
    expect(roleAtLeast("VIEWER", "DEVELOPER")).toBe(false);
  });
});

describe("canManageToken", () => {
  const own = { createdById: "u1" };
  const other = { createdById: "u2" };

  it.each(KINDS)("an admin manages any %s token", (kind) => {
    expect(canManageToken({ role: "ADMIN", userId: "u1" }, { kind, ...other })).toBe(true);
  });

  it.each(["WORKSPACE", "GATEWAY"] as const)("a developer manages their own %s token only", (kind) => {
    expect(canManageToken({ role: "DEVELOPER", userId: "u1" }, { kind, ...own })).toBe(true);
    expect(canManageToken({ role: "DEVELOPER", userId: "u1" }, { kind, ...other })).toBe(false);
  });

  it("a developer never manages organization tokens, not even ones they made", () => {
    expect(canManageToken({ role: "DEVELOPER", userId: "u1" }, { kind: "ORGANIZATION", ...own })).toBe(false);
  });

  it.each(KINDS)("a viewer manages no %s token, not even their own", (kind) => {
    expect(canManageToken({ role: "VIEWER", userId: "u1" }, { kind, ...own })).toBe(false);
  });

  it("a token whose creator is gone belongs to no developer", () => {
    expect(canManageToken({ role: "DEVELOPER", userId: "u1" }, { kind: "WORKSPACE", createdById: null })).toBe(false);
  });

  it("a developer-role organization token owns the tokens it created, and only those", () => {
    const actor = { role: "DEVELOPER" as const, userId: null, tokenId: "t1" };
    expect(canManageToken(actor, { kind: "WORKSPACE", createdById: null, createdByTokenId: "t1" })).toBe(true);
    expect(canManageToken(actor, { kind: "WORKSPACE", createdById: null, createdByTokenId: "t2" })).toBe(false);
    expect(canManageToken(actor, { kind: "WORKSPACE", createdById: null, createdByTokenId: null })).toBe(false);
    expect(
      canManageToken({ role: "DEVELOPER", userId: null, tokenId: null }, { kind: "WORKSPACE", createdById: null }),
    ).toBe(false);
  });
});

describe("rolePermissions", () => {
  it("gives viewers read permissions only", () => {
    expect(rolePermissions("VIEWER").sort()).toEqual(["members:read", "projects:read", "tokens:read"]);
  });

  it.each(["DEVELOPER", "ADMIN"] as const)("gives %s every API permission", (role) => {
    expect(rolePermissions(role).sort()).toEqual([...API_PERMISSIONS].sort());
  });
});
