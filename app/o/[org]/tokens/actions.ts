"use server";

/**
 * Console actions on tokens of every kind. Each re-checks, on the server, that
 * the caller is a member who may do this to this token (lib/tokens/policy.ts);
 * the client's word for the org, kind or role is never taken.
 */
import { z } from "zod";
import { ActionError, authorizeOrg, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { userActor } from "@/lib/audit";
import { API_PERMISSIONS } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import { tokenNameSchema } from "@/lib/api/workspace-schemas";
import type { OrgContext } from "@/lib/session";
import { consoleToken, type ConsoleToken } from "@/lib/tokens/console";
import type { TokenKind } from "@/lib/tokens/format";
import { canSeeKind, grantablePermissions, rowActions, type RowActions } from "@/lib/tokens/policy";
import { OVERLAP_CHOICES, overlapMs, type OverlapChoice } from "@/lib/tokens/overlap";
import { rulesFromForm, rulesInputSchema } from "@/lib/tokens/rules";
import {
  endOverlap,
  issueToken,
  updateTokenRules,
  regenerateToken,
  revokeToken,
  setTokenActive,
  tokenView,
  TokenError,
  type ChangeMeta,
  type IssueInput,
  type MintedToken,
} from "@/lib/tokens/service";
import { expirySchema, expiresAt } from "@/lib/tokens/status";

export interface IssuedSecret {
  token: ConsoleToken;
  /** Shown once in the modal; exists nowhere else. */
  secret: string;
}

async function changeMeta(ctx: OrgContext): Promise<ChangeMeta> {
  return { orgId: ctx.org.id, actor: userActor(ctx.user), ...(await requestMeta()) };
}

function asActionError(error: unknown): never {
  if (error instanceof TokenError) {
    throw new ActionError(error.message, error.field ? { [error.field]: error.message } : undefined);
  }
  throw error;
}

/**
 * The part every kind's create form shares: name, expiration and guard rails,
 * then issue. `scope` parses the kind's own fields and returns what to issue.
 */
async function createToken(
  orgSlug: string,
  form: FormData,
  kind: TokenKind,
  scope: (ctx: OrgContext) => Partial<IssueInput>,
): Promise<ActionResult<IssuedSecret>> {
  return runAction(async () => {
    const ctx = await authorizeOrg(orgSlug, kind === "ORGANIZATION" ? "orgTokens:manage" : "tokens:create");
    // Every part is checked before any error is shown, so the form marks all bad fields at once.
    const [common, scoped, rules] = collectFieldErrors(
      () =>
        parseInput(z.object({ name: tokenNameSchema }).and(expirySchema), {
          name: form.get("name"),
          expiration: form.get("expiration"),
          expiresOn: form.get("expiresOn") || undefined,
        }),
      () => scope(ctx),
      () => parseInput(rulesInputSchema, rulesFromForm(form)),
    );
    const { token, secret } = await issueToken(await getDb(), await changeMeta(ctx), {
      ...scoped,
      kind,
      name: common.name,
      expiresAt: expiresAt(common),
      rules,
      createdById: ctx.user.id,
    }).catch(asActionError);
    return { token: consoleToken(ctx, token), secret };
  });
}

function collectFieldErrors<A, B, C>(...parts: [() => A, () => B, () => C]): [A, B, C] {
  const errors: Record<string, string> = {};
  let message: string | undefined;
  const results = parts.map((part) => {
    try {
      return part();
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
      message ??= error.message;
      Object.assign(errors, error.fieldErrors);
      return undefined;
    }
  });
  if (message) throw new ActionError(Object.keys(errors).length ? "Please correct the highlighted fields." : message, errors);
  return results as [A, B, C];
}

const workspaceScope = z.object({
  permissions: z.array(z.enum(API_PERMISSIONS)).min(1, "Choose at least one permission."),
  projectId: z.string().max(64).optional(),
});

export async function createWorkspaceTokenAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult<IssuedSecret>> {
  return createToken(orgSlug, form, "WORKSPACE", (ctx) => {
    const input = parseInput(workspaceScope, { permissions: form.getAll("permissions"), projectId: form.get("projectId") || undefined });
    const grantable = new Set(grantablePermissions(ctx));
    const excess = input.permissions.filter((p) => !grantable.has(p));
    if (excess.length) {
      throw new ActionError(`Your role cannot grant: ${excess.join(", ")}.`, { permissions: "You can only grant permissions your role holds." });
    }
    return { permissions: [...new Set(input.permissions)], projectId: input.projectId ?? null };
  });
}

const gatewayScope = z.object({ gatewayId: z.string().min(1, "Choose a gateway.").max(64) });

export async function createGatewayTokenAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult<IssuedSecret>> {
  return createToken(orgSlug, form, "GATEWAY", () => parseInput(gatewayScope, { gatewayId: form.get("gatewayId") ?? "" }));
}

const orgTokenScope = z.object({ role: z.enum(["DEVELOPER", "ADMIN"], { error: "Choose a role." }) });

/** Organization tokens belong to the org (admins only); the creator is recorded but does not own them. */
export async function createOrganizationTokenAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult<IssuedSecret>> {
  return createToken(orgSlug, form, "ORGANIZATION", () => parseInput(orgTokenScope, { role: form.get("role") }));
}

/** Loads a token of the org and checks the caller may take `action` on it. */
async function authorizeTokenChange(orgSlug: string, tokenId: unknown, action: keyof RowActions) {
  const ctx = await authorizeOrg(orgSlug, "org:read");
  const id = parseInput(z.string().min(1).max(64), tokenId);
  const token = await tokenView(await getDb(), ctx.org.id, id);
  if (!token || !canSeeKind(ctx, token.kind)) throw new ActionError("Token not found.");
  if (!rowActions(ctx, token)[action]) {
    throw new ActionError(token.status === "REVOKED" ? "This token is revoked." : "You do not have permission to change this token.");
  }
  return { ctx, token };
}

export async function regenerateTokenAction(orgSlug: string, tokenId: string, overlap: OverlapChoice = "none"): Promise<ActionResult<IssuedSecret>> {
  return runAction(async () => {
    const { ctx, token } = await authorizeTokenChange(orgSlug, tokenId, "regenerate");
    const choice = parseInput(z.enum(OVERLAP_CHOICES), overlap);
    const { token: view, secret } = await regenerateToken(await getDb(), await changeMeta(ctx), token.id, overlapMs(choice)).catch(asActionError);
    return { token: consoleToken(ctx, view), secret };
  });
}

export async function endOverlapAction(orgSlug: string, tokenId: string): Promise<ActionResult<ConsoleToken>> {
  return runAction(async () => {
    const { ctx, token } = await authorizeTokenChange(orgSlug, tokenId, "manage");
    return consoleToken(ctx, await endOverlap(await getDb(), await changeMeta(ctx), token.id).catch(asActionError));
  });
}

export async function updateTokenRulesAction(orgSlug: string, tokenId: string, _prev: unknown, form: FormData): Promise<ActionResult<ConsoleToken>> {
  return runAction(async () => {
    const { ctx, token } = await authorizeTokenChange(orgSlug, tokenId, "manage");
    const rules = parseInput(rulesInputSchema, rulesFromForm(form));
    return consoleToken(ctx, await updateTokenRules(await getDb(), await changeMeta(ctx), token.id, rules).catch(asActionError));
  });
}

export async function setTokenActiveAction(orgSlug: string, tokenId: string, active: boolean): Promise<ActionResult<ConsoleToken>> {
  return runAction(async () => {
    const { ctx, token } = await authorizeTokenChange(orgSlug, tokenId, active === true ? "activate" : "deactivate");
    return consoleToken(ctx, await setTokenActive(await getDb(), await changeMeta(ctx), token.id, active === true).catch(asActionError));
  });
}

/** Revokes only when `confirmation` is exactly the token's name (the dialog asks the user to type it). */
export async function revokeTokenAction(
  orgSlug: string,
  tokenId: string,
  confirmation: string,
): Promise<ActionResult<{ token: ConsoleToken; minted: MintedToken[] }>> {
  return runAction(async () => {
    const { ctx, token } = await authorizeTokenChange(orgSlug, tokenId, "revoke");
    if (confirmation !== token.name) throw new ActionError("Type the token's name exactly to confirm.", { confirmation: "Does not match the token's name." });
    const result = await revokeToken(await getDb(), await changeMeta(ctx), token.id).catch(asActionError);
    return { token: consoleToken(ctx, result.token), minted: result.minted };
  });
}

