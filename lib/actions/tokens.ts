"use server";

/**
 * Console actions on tokens of every kind (docs/contract.md §1–2). Each checks,
 * on the server, that the caller may do this to this token now
 * (lib/tokens/policy.ts); the client's word for the org, kind or role is never taken.
 */
import { DomainError } from "@/lib/errors";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import {
  createGatewayTokenForm,
  createOrganizationTokenForm,
  createWorkspaceTokenForm,
  overlapMs,
  regenerateTokenInput,
  revokeTokenInput,
  setTokenActiveInput,
  tokenRef,
  tokenRulesInput,
  updateTokenDetailsInput,
} from "@/lib/schemas/tokens";
import { consoleTokenOf, type ConsoleToken } from "@/lib/tokens/console";
import { canSeeKind, grantable, grantablePermissions, rowActions, type RowActions } from "@/lib/tokens/policy";
import {
  endOverlap,
  issueToken,
  regenerateToken,
  revokeToken,
  setTokenActive,
  tokenView,
  updateTokenDetails,
  updateTokenRules,
  type IssueInput,
  type MintedToken,
} from "@/lib/tokens/service";
import { updateTokenPolicy } from "@/lib/orgs/token-policy";
import { tokenPolicyInput } from "@/lib/schemas/token-policy";
import { orgAction, type OrgActionContext } from "./frame";

export interface IssuedSecret {
  token: ConsoleToken;
  /** Shown once in the modal; exists nowhere else. */
  secret: string;
}

/** Issues a token for the caller, as the browser may see it, with its secret. */
async function issue(c: OrgActionContext, kind: TokenKind, input: Omit<IssueInput, "kind" | "createdById">): Promise<IssuedSecret> {
  const { token, secret } = await issueToken(c.db, c.meta, { ...input, kind, createdById: c.ctx.user.id });
  return { token: await consoleTokenOf(c.db, c.ctx, token), secret };
}

export const createWorkspaceTokenAction = orgAction("tokens:create", createWorkspaceTokenForm, ({ scope, ...common }, c) =>
  issue(c, "WORKSPACE", { ...common, permissions: grantable(scope.permissions, grantablePermissions(c.ctx), "member"), projectId: scope.projectId ?? null }),
);

export const createGatewayTokenAction = orgAction("tokens:create", createGatewayTokenForm, ({ scope, ...common }, c) =>
  issue(c, "GATEWAY", { ...common, gatewayId: scope.gatewayId }),
);

/** Organization tokens belong to the org (admins only); the creator is recorded but does not own them. */
export const createOrganizationTokenAction = orgAction("orgTokens:manage", createOrganizationTokenForm, ({ scope, ...common }, c) =>
  issue(c, "ORGANIZATION", { ...common, role: scope.role }),
);

/** A token of the org that the caller may see, and may take `action` on now. */
async function changeable(c: OrgActionContext, id: string, action: keyof RowActions) {
  const token = await tokenView(c.db, c.ctx.org.id, id);
  if (!token || !canSeeKind(c.ctx, token.kind)) throw new DomainError("not_found", "Token not found.");
  if (!rowActions(c.ctx, token)[action]) {
    throw new DomainError("forbidden", token.status === "REVOKED" ? "This token is revoked." : "You do not have permission to change this token.");
  }
  return token;
}

export const regenerateTokenAction = orgAction("org:read", regenerateTokenInput, async ({ id, overlap, expiresAt }, c): Promise<IssuedSecret> => {
  const { token, secret } = await regenerateToken(c.db, c.meta, (await changeable(c, id, "regenerate")).id, overlapMs(overlap), expiresAt);
  return { token: await consoleTokenOf(c.db, c.ctx, token), secret };
});

export const endOverlapAction = orgAction("org:read", tokenRef, async ({ id }, c) =>
  consoleTokenOf(c.db, c.ctx, await endOverlap(c.db, c.meta, (await changeable(c, id, "manage")).id)),
);

export const updateTokenRulesAction = orgAction("org:read", tokenRulesInput, async ({ id, rules }, c) =>
  consoleTokenOf(c.db, c.ctx, await updateTokenRules(c.db, c.meta, (await changeable(c, id, "manage")).id, rules)),
);

/** Rename a token and set its description: whoever may manage it (its member, or an admin). */
export const updateTokenDetailsAction = orgAction(
  "org:read",
  updateTokenDetailsInput,
  async ({ id, name, description }, c) => consoleTokenOf(c.db, c.ctx, await updateTokenDetails(c.db, c.meta, (await changeable(c, id, "manage")).id, { name, description })),
  "Saved.",
);

export const setTokenActiveAction = orgAction("org:read", setTokenActiveInput, async ({ id, active }, c) =>
  consoleTokenOf(c.db, c.ctx, await setTokenActive(c.db, c.meta, (await changeable(c, id, active ? "activate" : "deactivate")).id, active)),
);

/** Revokes only when `confirmation` is exactly the token's name (the dialog asks the user to type it). */
export const revokeTokenAction = orgAction(
  "org:read",
  revokeTokenInput,
  async ({ id, confirmation }, c): Promise<{ token: ConsoleToken; minted: MintedToken[] }> => {
    const token = await changeable(c, id, "revoke");
    if (confirmation !== token.name) throw new DomainError("invalid", "Type the token's name exactly to confirm.", "confirmation");
    const result = await revokeToken(c.db, c.meta, token.id);
    return { token: await consoleTokenOf(c.db, c.ctx, result.token), minted: result.minted };
  },
);

/** The org's token lifetime policy (Settings, admins only). */
export const updateTokenPolicyAction = orgAction(
  "org:manage",
  tokenPolicyInput,
  (policy, c) => updateTokenPolicy(c.db, c.meta, policy),
  ({ beyond }) => `Policy saved.${beyond ? ` ${beyond} live ${beyond === 1 ? "token is" : "tokens are"} beyond it: ${beyond === 1 ? "it keeps" : "they keep"} working and ${beyond === 1 ? "is" : "are"} flagged in the lists.` : ""}`,
);
