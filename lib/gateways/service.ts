/**
 * Gateways: create, configure and delete (admins), list (everyone). The
 * upstream API key is sealed before it is stored and never leaves the server:
 * views only say whether one is set.
 */
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/audit";
import { seal } from "@/lib/crypto/secret-box";
import { systemLookup, upstreamResolutionProblem, upstreamUrlProblem, type Lookup } from "@/lib/net/egress";
import { SLUG_PATTERN } from "@/lib/orgs";
import { safeText } from "@/lib/schemas/text";
import type { ChangeMeta } from "@/lib/tokens/service";
import { orgChanged, tokensChanged } from "@/lib/tokens/events";
import { revokeTokens } from "@/lib/tokens/revoke";

export const ECHO_DEFAULT_MODELS = ["keysmith-echo-1"];

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const modelsSchema = z
  .array(z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._:@/-]+$/, "Model names use letters, digits and . _ : @ / -"))
  .max(50, "At most 50 models.");

export const gatewayInputSchema = z
  .object({
    name: safeText("Name", { max: 64, tooShort: "Enter a name." }),
    slug: z.string().trim().regex(SLUG_PATTERN, "Use 2–40 lowercase letters, digits and hyphens."),
    upstreamType: z.enum(["ECHO", "ANTHROPIC"], { error: "Choose an upstream." }),
    upstreamBaseUrl: z.string().trim().max(500).optional(),
    /** Empty = keep the stored key (edit) / none (create). */
    upstreamApiKey: z.string().max(500).optional(),
    models: modelsSchema,
  })
  .superRefine((v, ctx) => {
    if (v.upstreamType !== "ANTHROPIC") return;
    // The shape and literal addresses here; what a host name resolves to is checked when saving.
    const problem = upstreamUrlProblem(v.upstreamBaseUrl ?? "");
    if (problem) ctx.addIssue({ code: "custom", path: ["upstreamBaseUrl"], message: problem });
    if (v.models.length === 0) ctx.addIssue({ code: "custom", path: ["models"], message: "List at least one model callers may use." });
  });
export type GatewayInput = z.infer<typeof gatewayInputSchema>;

/** "a, b\nc" → ["a", "b", "c"] (deduplicated). */
export function parseModelList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((m) => m.trim()).filter(Boolean))];
}

const VIEW = {
  id: true,
  name: true,
  slug: true,
  upstreamType: true,
  upstreamBaseUrl: true,
  upstreamKeyEnc: true,
  models: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.GatewaySelect;

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
  if (problem) throw new GatewayError(problem, "upstreamBaseUrl");
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

function slugTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createGateway(db: PrismaClient, meta: ChangeMeta, input: GatewayInput, options: GatewaySaveOptions = {}): Promise<GatewayView> {
  const data = normalized(input);
  await checkUpstream(data.upstreamBaseUrl, options.lookup ?? systemLookup);
  try {
    return await db.$transaction(async (tx) => {
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
    });
  } catch (error) {
    if (slugTaken(error)) throw new GatewayError("Another gateway in this organization uses this slug.", "slug");
    throw error;
  }
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
  try {
    const view = await db.$transaction(async (tx) => {
      const current = await tx.gateway.findFirst({ where: { id, orgId: meta.orgId }, select: VIEW });
      if (!current) throw new GatewayError("Gateway not found.");
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
    });
    // Gateway tokens carry their gateway's row in the verification cache: drop them here at
    // once (other instances hear of it through the change feed's Gateway trigger).
    orgChanged(meta.orgId);
    return view;
  } catch (error) {
    if (slugTaken(error)) throw new GatewayError("Another gateway in this organization uses this slug.", "slug");
    throw error;
  }
}

/** Deletes the gateway and revokes its tokens, in one transaction. */
export async function deleteGateway(db: PrismaClient, meta: ChangeMeta, id: string): Promise<{ revoked: number }> {
  const result = await db.$transaction(async (tx) => {
    const current = await tx.gateway.findFirst({ where: { id, orgId: meta.orgId }, select: VIEW });
    if (!current) throw new GatewayError("Gateway not found.");
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
