/**
 * The frame of every token-authenticated API route (docs/architecture.md): the
 * token, its kind, the org header, its guard rails, uniform errors, and usage:
 * once the token is known, every answer (a success, or a refusal such as 403 or
 * 429) is counted by outcome and goes to the token's request log, both through
 * the in-memory tally (no database write here). Only a success counts as use.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import type { ApiPermission } from "@/lib/authz";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { recordIpDenial } from "@/lib/tokens/denials";
import { peekRate, rateHeaders, takeRate, type RateDecision } from "@/lib/tokens/rate-window";
import { countCall, logCall, type LoggedCall } from "@/lib/tokens/usage";
import { admitLookup, refundLookup } from "@/lib/tokens/unknown-tokens";
import { verifyToken, type LookupGate, type Principal } from "@/lib/tokens/verify";
import { cameFromGateway, LOOP_MESSAGE, LOOP_STATUS } from "@/lib/gateways/hop";
import type { ApiRequest } from "./request";
import { ApiError, errorResponse, toErrorResponse, UNAUTHENTICATED } from "./responses";
import { plural } from "@/lib/text";

export interface ApiContext<P> {
  request: ApiRequest;
  principal: Principal;
  params: P;
  db: PrismaClient;
  ip: string | null;
  userAgent: string | null;
  /**
   * This call's request-log entry: a gateway call adds its model and token counts.
   * An answer whose figures come later (a relayed stream's token counts) sets
   * `deferred` and logs the entry itself when they are known (logCall).
   */
  call: LoggedCall;
}

export interface RouteOptions {
  /** Token kinds this API accepts; another kind is a valid token without access here (403). */
  kinds: TokenKind[];
  /** `/api/v1/app/*`: the `x-org` header must name the token's org. */
  requireOrgHeader?: boolean;
  /** Also accept `x-api-key` (what Anthropic's SDKs send). */
  acceptApiKeyHeader?: boolean;
  /** The gateway API: refuse a call a Keysmith gateway made (508), before any other work. */
  refuseGatewayHops?: boolean;
}

function presentedToken(request: ApiRequest, acceptApiKey: boolean): string | null {
  const auth = request.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : null;
  }
  return acceptApiKey ? request.headers.get("x-api-key")?.trim() || null : null;
}

export function requirePermission(principal: Principal, permission: ApiPermission): void {
  if (!principal.permissions.includes(permission)) {
    throw new ApiError(403, `This token lacks the ${permission} permission.`);
  }
}

/**
 * Wraps a route handler with token authentication, the org check, uniform
 * errors, and usage counting: a call counts only when it succeeds (2xx).
 */
export function tokenRoute<P = Record<string, never>>(
  options: RouteOptions,
  handler: (ctx: ApiContext<P>) => Promise<Response>,
) {
  return async (request: ApiRequest, params: P = {} as P): Promise<Response> => {
    if (options.refuseGatewayHops && cameFromGateway(request.headers)) return errorResponse(LOOP_STATUS, LOOP_MESSAGE);
    try {
      const presented = presentedToken(request, options.acceptApiKeyHeader ?? false);
      if (!presented) throw new ApiError(401, UNAUTHENTICATED);
      const prisma = await getDb();
      const ip = clientIpFromHeaders(request.headers);
      const now = new Date();
      const started = performance.now();
      const principal = await verifyToken(prisma, presented, now, new UnknownTokenGate(ip));
      if (!principal) throw new ApiError(401, UNAUTHENTICATED);
      const limit = principal.rateLimitPerMinute;
      let decision: RateDecision | null = null;
      const userAgent = userAgentFromHeaders(request.headers);
      const call: LoggedCall = {
        tokenId: principal.tokenId,
        at: now.getTime(),
        method: request.method,
        route: request.route ?? "unknown",
        status: 0,
        latencyMs: 0,
        ip,
        userAgent,
        model: null,
        inputTokens: null,
        outputTokens: null,
        deferred: false,
      };
      try {
        if (!options.kinds.includes(principal.kind)) {
          throw new ApiError(403, "This kind of token cannot be used with this API.");
        }
        if (options.requireOrgHeader) {
          const org = request.headers.get("x-org")?.trim();
          if (!org) throw new ApiError(400, 'The "x-org" header is required: set it to your organization\'s slug.');
          if (org !== principal.orgSlug) throw new ApiError(403, "This token does not belong to that organization.");
        }
        if (principal.ipMatcher && !principal.ipMatcher.allows(ip)) {
          recordIpDenial(prisma, principal, ip, userAgent);
          // Name the caller's own address only: the allowlist is the org's business, not the caller's.
          throw new ApiError(403, `This token's IP allowlist does not include ${ip ?? "the caller's address"}.`);
        }
        if (limit) {
          decision = takeRate(principal.tokenId, limit);
          if (!decision.allowed) {
            throw new ApiError(429, `Rate limit of ${decision.limit} requests per minute exceeded.`, { "retry-after": String(decision.resetSeconds) });
          }
        }
        const response = await handler({ request, principal, params, db: prisma, ip, userAgent, call });
        answered(call, response.status, started, !call.deferred);
        return limit ? withLimitHeaders(response, principal.tokenId, limit, decision) : response;
      } catch (error) {
        const response = toErrorResponse(error);
        answered(call, response.status, started, true);
        return limit ? withLimitHeaders(response, principal.tokenId, limit, decision) : response;
      }
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** Counts a known token's answer by its outcome, and logs it unless its entry is to be logged later. */
function answered(call: LoggedCall, status: number, started: number, log: boolean) {
  call.status = status;
  call.latencyMs = performance.now() - started;
  countCall(getDb, call.tokenId, status, call.ip, call.at);
  if (log) logCall(getDb, call);
}

/**
 * A token with a rate limit reports its window on every response; refusals before the
 * limit applies (kind, org, IP allowlist) show it as it stands, without using it up.
 */
function withLimitHeaders(response: Response, tokenId: string, limit: number, decision: RateDecision | null): Response {
  for (const [k, v] of Object.entries(rateHeaders(decision ?? peekRate(tokenId, limit)))) response.headers.set(k, v);
  return response;
}

/** An address that keeps presenting unknown tokens gets no more database lookups for a while. */
class UnknownTokenGate implements LookupGate {
  constructor(private readonly ip: string | null) {}

  admit(): void {
    const wait = admitLookup(this.ip);
    if (wait > 0) {
      throw new ApiError(429, `Too many requests with unknown tokens from your address. Try again in ${plural(wait, "second")}.`, {
        "retry-after": String(wait),
      });
    }
  }

  found(): void {
    refundLookup(this.ip);
  }
}
