/**
 * Reading a token's request log (written by the usage flush, lib/tokens/usage.ts;
 * bounded by lib/usage/retention.ts): newest first, a page at a time from a cursor.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { retention } from "./retention";

export const LOG_PAGE_SIZE = 20;
const DAY_MS = 86_400_000;

export interface RequestEntry {
  id: string;
  at: string;
  method: string;
  route: string;
  status: number;
  latencyMs: number | null;
  ip: string | null;
  userAgent: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Calls of the token since its previous entry that the log left out (a busy token is sampled). */
  omitted: number;
}

export interface RequestLogPage {
  entries: RequestEntry[];
  /** Cursor of the next (older) page, if there is one. */
  older: string | null;
}

/** "<epoch ms>.<id>": where an older page starts. */
function parseCursor(text: string | undefined): { at: Date; id: bigint } | null {
  const m = /^(\d{1,15})\.(\d{1,19})$/.exec(text ?? "");
  return m ? { at: new Date(Number(m[1])), id: BigInt(m[2]) } : null;
}

export async function requestLogPage(db: PrismaClient, tokenId: string, older?: string, pageSize = LOG_PAGE_SIZE, nowMs = Date.now()): Promise<RequestLogPage> {
  const cursor = parseCursor(older);
  const rows = await db.tokenRequest.findMany({
    where: {
      tokenId,
      // Entries past the retention are hidden until the next prune removes them.
      at: { gte: new Date(nowMs - retention().logDays * DAY_MS) },
      ...(cursor ? { OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: pageSize + 1,
  });
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      method: r.method,
      route: r.route,
      status: r.status,
      latencyMs: r.latencyMs,
      ip: r.ip,
      userAgent: r.userAgent,
      model: r.model,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      omitted: r.omitted,
    })),
    older: rows.length > pageSize && last ? `${last.at.getTime()}.${last.id}` : null,
  };
}
