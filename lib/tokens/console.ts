/**
 * Tokens as the console shows them: what the viewing member may see and do.
 * Pages render the first page on the server; the token table then polls
 * `/api/console/{org}/tokens` for the same shape.
 */
import "server-only";
import type { OrgContext } from "@/lib/auth/session";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenKind } from "@/lib/generated/prisma/enums";
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
  db: PrismaClient,
  ctx: OrgContext,
  kind: TokenKind,
  opts: { status?: DisplayStatus; page?: number; gatewayId?: string },
): Promise<ConsoleTokenPage> {
  const { gatewayId, ...rest } = opts;
  const result = await listTokens(db, ctx.org.id, kind, { ...rest, extra: gatewayId ? { gatewayId } : undefined });
  return { ...result, items: result.items.map((t) => consoleToken(ctx, t)) };
}


/** A token list page's `?status=` and `?page=` (anything else is ignored). */
export function listParams(sp: Record<string, string | string[] | undefined>): { status?: DisplayStatus; page: number } {
  const status = DISPLAY_STATUSES.find((s) => s === sp.status);
  const page = Math.max(1, Number.parseInt(typeof sp.page === "string" ? sp.page : "1", 10) || 1);
  return { status, page };
}
