import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/audit/record";
import type { Principal } from "./verify";
import { singleton } from "@/lib/singleton";

const WINDOW_MS = 60_000;
const lastLogged = singleton("ip-denials", () => new Map<string, number>());

/**
 * Records a call refused by a token's IP allowlist in the audit log: at most
 * one entry per token and address per minute, so a misconfigured client
 * cannot flood the log. Never delays or fails the (already refused) call.
 */
export function recordIpDenial(db: PrismaClient, principal: Principal, ip: string | null, userAgent: string | null): void {
  const k = `${principal.tokenId}|${ip}`;
  const now = Date.now();
  if ((lastLogged.get(k) ?? 0) > now - WINDOW_MS) return;
  lastLogged.set(k, now);
  if (lastLogged.size > 10_000) lastLogged.clear();
  void audit(db, {
    orgId: principal.orgId,
    actor: { type: "token", id: principal.tokenId, label: principal.name },
    action: "token.ip_denied",
    target: { type: "token", id: principal.tokenId, label: principal.name },
    metadata: { ip, allowlist: principal.ipAllowlist },
    ip,
    userAgent,
  }).catch((error: unknown) => console.error("could not record IP denial:", error instanceof Error ? error.message : error));
}
