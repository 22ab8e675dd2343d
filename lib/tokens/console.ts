/**
 * Tokens as the console shows them: what the viewing member may see and do.
 * Pages render the first page on the server; the token table then polls
 * `/api/console/{org}/tokens` for the same shape, with the same URL state.
 */
import "server-only";
import type { OrgContext } from "@/lib/auth/session";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { tokenListQuery, type TokenListQuery } from "@/lib/schemas/tokens";
import { beyondPolicy, NO_POLICY, type TokenPolicy } from "./lifetime";
import { isLive } from "./hygiene";
import { decodeCursor } from "./list";
import { rowActions, type RowActions } from "./policy";
import { listTokens, tokenPolicyOf, type TokenView } from "./service";

/** A token as the browser gets it: no user ids (who made it is a name and e-mail), and what the viewer may do to it. */
export type ShownToken = Omit<TokenView, "createdById"> & {
  /** A live token whose lifetime the org's policy would not allow today. */
  beyondPolicy: boolean;
};
export type ConsoleToken = ShownToken & { actions: RowActions };

export function consoleToken(ctx: Pick<OrgContext, "role" | "user">, token: TokenView, policy: TokenPolicy): ConsoleToken {
  const { createdById: _, ...shown } = token;
  void _;
  return { ...shown, beyondPolicy: isLive(token) && beyondPolicy(policy, token), actions: rowActions(ctx, token) };
}

/** One token for the viewer, flagged against the org's current policy. */
export async function consoleTokenOf(db: PrismaClient, ctx: Pick<OrgContext, "role" | "user" | "org">, token: TokenView): Promise<ConsoleToken> {
  return consoleToken(ctx, token, await tokenPolicyOf(db, ctx.org.id));
}

export interface ConsoleTokenPage {
  items: ConsoleToken[];
  total: number;
  /** Cursors of the neighbouring pages. */
  next: string | null;
  prev: string | null;
  /** The org's lifetime policy: the flags above follow it, and the create forms offer only what it allows. */
  policy: TokenPolicy;
}

/** One page of a kind's tokens as the viewing member sees them, with the actions they may take per row. */
export async function consoleTokenPage(
  db: PrismaClient,
  ctx: OrgContext,
  kind: TokenKind,
  query: TokenListQuery,
  opts: { gatewayId?: string } = {},
): Promise<ConsoleTokenPage> {
  const list = (policy: TokenPolicy) =>
    listTokens(db, ctx.org.id, kind, { ...query, after: decodeCursor(query.after), before: decodeCursor(query.before), gatewayId: opts.gatewayId, policy });
  // The list needs the policy first only to filter by it; otherwise both are read at once.
  const [policy, result] =
    query.filter === "beyond_policy"
      ? await tokenPolicyOf(db, ctx.org.id).then(async (p) => [p, await list(p)] as const)
      : await Promise.all([tokenPolicyOf(db, ctx.org.id), list(NO_POLICY)]);
  return { ...result, items: result.items.map((t) => consoleToken(ctx, t, policy)), policy };
}

/** A token list page's URL state (search, sort, filters, page cursor); anything unknown is ignored. */
export function listParams(sp: Record<string, string | string[] | undefined>): TokenListQuery {
  const one = Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return tokenListQuery.parse(one);
}
