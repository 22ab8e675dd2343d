import "server-only";
import { getDb } from "@/lib/db/client";
import type { OrgContext } from "@/lib/session";
import type { TokenKind } from "./format";
import { rowActions, type RowActions } from "./policy";
import { listTokens, type TokenView } from "./service";
import { DISPLAY_STATUSES, type DisplayStatus } from "./status";

/** A token as the browser gets it: no user ids (who made it is a name and e-mail), and what the viewer may do to it. */
export type ShownToken = Omit<TokenView, "createdById">;
export type ConsoleToken = ShownToken & { actions: RowActions };

export function consoleToken(ctx: Pick<OrgContext, "role" | "user">, token: TokenView): ConsoleToken {
  const { createdById: _, ...shown } = token;
  void _;
  return { ...shown, actions: rowActions(ctx, token) };
}
export interface ConsoleTokenPage {
  items: ConsoleToken[];
  total: number;
  page: number;
  pageCount: number;
}

/** One page of a kind's tokens as the viewing member sees them, with the actions they may take per row. */
export async function consoleTokenPage(
  ctx: OrgContext,
  kind: TokenKind,
  opts: { status?: DisplayStatus; page?: number; gatewayId?: string },
): Promise<ConsoleTokenPage> {
  const { gatewayId, ...rest } = opts;
  const result = await listTokens(await getDb(), ctx.org.id, kind, { ...rest, extra: gatewayId ? { gatewayId } : undefined });
  return { ...result, items: result.items.map((t) => consoleToken(ctx, t)) };
}

export const KIND_SLUGS = { workspace: "WORKSPACE", gateway: "GATEWAY", organization: "ORGANIZATION" } as const satisfies Record<string, TokenKind>;
export type KindSlug = keyof typeof KIND_SLUGS;

/** A token list page's `?status=` and `?page=` (anything else is ignored). */
export function listParams(sp: Record<string, string | string[] | undefined>): { status?: DisplayStatus; page: number } {
  const status = DISPLAY_STATUSES.find((s) => s === sp.status);
  const page = Math.max(1, Number.parseInt(typeof sp.page === "string" ? sp.page : "1", 10) || 1);
  return { status, page };
}
