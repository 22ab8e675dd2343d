import "server-only";
import type { HeaderReader } from "@/lib/api/request";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/api/responses";
import type { RouteOptions } from "@/lib/api/token-route";
import { openCached } from "@/lib/crypto/secret-box";
import { CALL_GATEWAY, type CallGateway, type Principal } from "@/lib/tokens/verify";
import { nextMonthStart } from "@/lib/time";
import { getDb } from "@/lib/db/client";
import { countModelTokens, type LoggedCall } from "@/lib/tokens/usage";
import { monthUsage } from "./budget";
import type { Usage } from "./messages";

/** `/api/gpt/v1/*`: gateway tokens, and organization tokens naming a gateway with `x-gateway`; never a gateway's own call. */
export const GATEWAY_API: RouteOptions = { kinds: ["GATEWAY", "ORGANIZATION"], acceptApiKeyHeader: true, refuseGatewayHops: true };

/**
 * The gateway a call is for: a gateway token's own (cached with the token; an
 * `x-gateway` naming another one is refused), or for an organization token the
 * one `x-gateway` names (read per call: organization tokens are not tied to one).
 */
export async function resolveGateway(db: PrismaClient, principal: Principal, headers: HeaderReader): Promise<CallGateway> {
  const named = headers.get("x-gateway")?.trim() || null;
  if (principal.kind === "GATEWAY") {
    const gateway = principal.gateway;
    if (!gateway) throw new ApiError(403, "This token's gateway no longer exists.");
    if (named && named !== gateway.slug) throw new ApiError(403, "This token belongs to another gateway.");
    return gateway;
  }
  if (!named) throw new ApiError(400, 'Organization tokens must name a gateway with the "x-gateway" header.');
  const gateway = await db.gateway.findUnique({ where: { orgId_slug: { orgId: principal.orgId, slug: named } }, select: CALL_GATEWAY });
  if (!gateway) throw new ApiError(404, `No gateway "${named}" in this organization.`);
  return gateway;
}

const DEFAULT_GATEWAY_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The largest Messages API request the gateway reads: KEYSMITH_GATEWAY_MAX_BODY_BYTES,
 * by default 32 MiB (Anthropic's own limit). Read per call; a value that is not a
 * positive integer falls back to the default rather than lifting the cap.
 */
export function gatewayMaxBodyBytes(): number {
  const configured = Number(process.env.KEYSMITH_GATEWAY_MAX_BODY_BYTES);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_GATEWAY_MAX_BODY_BYTES;
}

export function upstreamKey(gateway: CallGateway): string | null {
  return gateway.upstreamKeyEnc ? openCached(gateway.upstreamKeyEnc) : null;
}

/**
 * Records a completed call's model and token counts: in the token's model buckets
 * (what budgets count) and on its request-log entry, through the batched usage
 * tally: no write per call.
 */
export function recordCall(principal: Principal, call: LoggedCall, model: string, usage: Usage): void {
  call.model = model;
  call.inputTokens = usage.input_tokens;
  call.outputTokens = usage.output_tokens;
  countModelTokens(getDb, principal.tokenId, model, usage.input_tokens, usage.output_tokens);
}

/** The token's own rules on top of the gateway's: its model allowlist, and its monthly budget. */
export async function enforceTokenRules(principal: Principal, model: string): Promise<void> {
  if (principal.allowedModels.length > 0 && !principal.allowedModels.includes(model)) {
    throw new ApiError(403, `This token may not use model "${model}". Allowed: ${principal.allowedModels.join(", ")}.`);
  }
  if (principal.monthlyTokenBudget !== null) {
    const used = await monthUsage(getDb, principal.tokenId);
    if (used >= principal.monthlyTokenBudget) {
      const retry = Math.ceil((nextMonthStart().getTime() - Date.now()) / 1000);
      throw new ApiError(
        429,
        `This token's monthly budget of ${principal.monthlyTokenBudget.toLocaleString("en-US")} tokens is used up (${used.toLocaleString("en-US")} this month).`,
        { "retry-after": String(retry) },
      );
    }
  }
}
