/**
 * Gateways: create, configure and delete (admins), list (everyone). The
 * upstream API key is sealed before it is stored and never leaves the server:
 * views only say whether one is set.
 */
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { audit, type ChangeMeta } from "@/lib/audit/record";
import { seal } from "@/lib/crypto/secret-box";
import { isUniqueViolation } from "@/lib/db/errors";
import { DomainError } from "@/lib/errors";
import { systemLookup, upstreamResolutionProblem, upstreamUrlProblem, type Lookup } from "@/lib/net/egress";
import { baseUrlShapeProblem, gatewayInput, type GatewayInput } from "@/lib/schemas/gateways";
import { orgChanged, tokensChanged } from "@/lib/tokens/events";
import { CALL_GATEWAY } from "@/lib/tokens/verify";
import { revokeTokens } from "@/lib/tokens/revoke";

export type { GatewayInput };
export const ECHO_DEFAULT_MODELS = ["keysmith-echo-1"];
const SLUG_TAKEN = "Another gateway in this organization uses this slug.";
const NOT_FOUND = "Gateway not found.";

/**
 * The form's schema plus what only the server knows: which addresses the
 * upstream may be (the opt-in list is server configuration). What a host name
 * resolves to is checked when saving.
 */
export const gatewayInputSchema = gatewayInput.superRefine((v, ctx) => {
  // A URL of the wrong shape already has its message from the form's schema.
  if (v.upstreamType !== "ANTHROPIC" || !v.upstreamBaseUrl || baseUrlShapeProblem(v.upstreamBaseUrl)) return;
  const problem = upstreamUrlProblem(v.upstreamBaseUrl);
  if (problem) ctx.addIssue({ code: "custom", path: ["upstreamBaseUrl"], message: problem });
});

/** What the console shows of a gateway: what a call needs of it, and its name. */
const VIEW = { ...CALL_GATEWAY, name: true } satisfies Prisma.GatewaySelect;

export interface GatewayView {
  id: string;
  name: string;
  slug: string;
  upstreamType: "ECHO" | "ANTHROPIC";
  upstreamBaseUrl: string | null;
  /** Whether an upstream key is stored; the key itself never leaves the server. */
  hasUpstreamKey: boolean;
  models: string[];
  createdAt: string;
}

function toView(g: Prisma.GatewayGetPayload<{ select: typeof VIEW }>): GatewayView {
  return {
    id: g.id,
    name: g.name,
    slug: g.slug,
    upstreamType: g.upstreamType,
    upstreamBaseUrl: g.upstreamBaseUrl,
    hasUpstreamKey: Boolean(g.upstreamKeyEnc),
    models: g.models,
    createdAt: g.createdAt.toISOString(),
  };
}

export async function listGateways(db: PrismaClient, orgId: string) {
  const rows = await db.gateway.findMany({ where: { orgId }, select: VIEW, orderBy: { name: "asc" } });
  const counts = await db.token.groupBy({
    by: ["gatewayId"],
    where: { orgId, kind: "GATEWAY", status: "ACTIVE" },
    _count: { _all: true },
  });
  const byId = new Map(counts.map((c) => [c.gatewayId, c._count._all]));
  return rows.map((g) => ({ ...toView(g), activeTokens: byId.get(g.id) ?? 0 }));
}

export async function gatewayBySlug(db: PrismaClient, orgId: string, slug: string): Promise<GatewayView | null> {
  const g = await db.gateway.findUnique({ where: { orgId_slug: { orgId, slug } }, select: VIEW });
  return g ? toView(g) : null;
}

function normalized(input: GatewayInput) {
  const echo = input.upstreamType === "ECHO";
  return {
    name: input.name,
    slug: input.slug,
    upstreamType: input.upstreamType,
    upstreamBaseUrl: echo ? null : (input.upstreamBaseUrl ?? "").replace(/\/+$/, ""),
    models: input.models.length ? input.models : ECHO_DEFAULT_MODELS,
  };
}

/** How a save checks the upstream's host name; tests pass their own resolver. */
export interface GatewaySaveOptions {
  lookup?: Lookup;
}

/**
 * The upstream rules at save time, for callers that skipped the schema too:
 * the URL's shape and literal host, then what its name resolves to now (the
 * dial-time check in lib/net/egress-agent.ts is the authoritative one).
 */
async function checkUpstream(baseUrl: string | null, lookup: Lookup): Promise<void> {
  if (baseUrl === null) return;
  const problem = upstreamUrlProblem(baseUrl) ?? (await upstreamResolutionProblem(baseUrl, lookup));
  if (problem) throw new DomainError("invalid", problem, "upstreamBaseUrl");
}

/** scheme://host:port, or null for no (or an unparseable) URL. */
function originOf(baseUrl: string | null): string | null {
  if (!baseUrl) return null;
  try {
    return new URL(baseUrl).origin;
  } catch {
    return null;
  }
}

function slugTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new DomainError("conflict", SLUG_TAKEN, "slug");
  throw error;
}

export async function createGateway(db: PrismaClient, meta: ChangeMeta, input: GatewayInput, options: GatewaySaveOptions = {}): Promise<GatewayView> {
  const data = normalized(input);
  await checkUpstream(data.upstreamBaseUrl, options.lookup ?? systemLookup);
  return db
    .$transaction(async (tx) => {
      const row = await tx.gateway.create({
        data: {
          ...data,
          orgId: meta.orgId,
          upstreamKeyEnc: input.upstreamType === "ANTHROPIC" && input.upstreamApiKey ? seal(input.upstreamApiKey) : null,
        },
        select: VIEW,
      });
      await audit(tx, {
        ...meta,
        action: "gateway.created",
        target: { type: "gateway", id: row.id, label: row.name },
        metadata: { slug: row.slug, upstreamType: row.upstreamType, upstreamBaseUrl: row.upstreamBaseUrl, models: row.models },
      });
      return toView(row);
    })
    .catch(slugTaken);
}

export async function updateGateway(
  db: PrismaClient,
  meta: ChangeMeta,
  id: string,
  input: GatewayInput,
  options: GatewaySaveOptions = {},
): Promise<GatewayView> {
  const data = normalized(input);
  await checkUpstream(data.upstreamBaseUrl, options.lookup ?? systemLookup);
  const view = await db
    .$transaction(async (tx) => {
      const current = await tx.gateway.findFirst({ where: { id, orgId: meta.orgId }, select: VIEW });
      if (!current) throw new DomainError("not_found", NOT_FOUND);
      // The stored key was given for the old host: a new host (scheme, name or port) gets it
      // only if the admin types it again, so editing the URL alone cannot send it elsewhere.
      const hostChanged = originOf(current.upstreamBaseUrl) !== originOf(data.upstreamBaseUrl);
      const keyChange =
        input.upstreamType === "ECHO" || (hostChanged && !input.upstreamApiKey)
          ? { upstreamKeyEnc: null }
          : input.upstreamApiKey
            ? { upstreamKeyEnc: seal(input.upstreamApiKey) }
            : {};
      const row = await tx.gateway.update({ where: { id }, data: { ...data, ...keyChange }, select: VIEW });
      await audit(tx, {
        ...meta,
        action: "gateway.updated",
        target: { type: "gateway", id, label: row.name },
        metadata: {
          slug: row.slug,
          upstreamType: row.upstreamType,
          upstreamBaseUrl: row.upstreamBaseUrl,
          models: row.models,
          upstreamKeyReplaced: Boolean(input.upstreamApiKey && input.upstreamType === "ANTHROPIC"),
          upstreamKeyCleared: Boolean(current.upstreamKeyEnc) && keyChange.upstreamKeyEnc === null,
        },
      });
      return toView(row);
    })
    .catch(slugTaken);
  // Gateway tokens carry their gateway's row in the verification cache: drop them here at
  // once (other instances hear of it through the change feed's Gateway trigger).
  orgChanged(meta.orgId);
  return view;
}

/**
 * Deletes the gateway and revokes its tokens, in one transaction; only when
 * `confirmation` is its slug (the dialog asks for it), if given.
 */
export async function deleteGateway(db: PrismaClient, meta: ChangeMeta, id: string, confirmation?: string): Promise<{ revoked: number }> {
  const result = await db.$transaction(async (tx) => {
    const current = await tx.gateway.findFirst({ where: { id, orgId: meta.orgId }, select: VIEW });
    if (!current) throw new DomainError("not_found", NOT_FOUND);
    if (confirmation !== undefined && confirmation !== current.slug) {
      throw new DomainError("invalid", "Type the gateway's slug exactly to confirm.", "confirmation");
    }
    const live = await tx.token.findMany({ where: { gatewayId: id, status: { not: "REVOKED" } }, select: { id: true } });
    const revoked = await revokeTokens(tx, meta, live.map((t) => t.id), `gateway "${current.name}" deleted`);
    await tx.gateway.delete({ where: { id } });
    await audit(tx, {
      ...meta,
      action: "gateway.deleted",
      target: { type: "gateway", id, label: current.name },
      metadata: { slug: current.slug, revokedTokens: revoked.length },
    });
    return revoked;
  });
  tokensChanged(result);
  return { revoked: result.length };
}
