/**
 * The token lifecycle for every kind: issue, regenerate, activate/deactivate,
 * revoke, list. The console's server actions and the Workspace API both call
 * these, after authorizing with lib/tokens/policy.ts. Plaintext secrets exist
 * only in the return value of issue/regenerate.
 */
import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Role, TokenKind } from "@/lib/generated/prisma/enums";
import type { ApiPermission } from "@/lib/authz";
import { audit, type Actor, type ChangeMeta } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import type { TokenRules } from "@/lib/schemas/tokens";
import { issueSecret, maskToken } from "./format";
import { KINDS } from "./kinds";
import { displayStatus, type DisplayStatus } from "./status";
import { tokenAdded, tokensChanged } from "./events";
import { mintedBy } from "./lineage";
import { revokeTokens } from "./revoke";
import { lifetimeProblem, NO_POLICY, type TokenPolicy } from "./lifetime";
import { DEFAULT_DIRECTION, type HygieneFilter, type SortDirection, type TokenSort } from "./hygiene";
import { pageOfTokenIds, type Cursor } from "./list";
import { monthUsageByToken } from "@/lib/gateways/budget";
import { queueTokenIssuedEmails } from "@/lib/email/outbox";
import { kickOutbox } from "@/lib/email/worker";
import { actorData, emitEvent, tokenData } from "@/lib/webhooks/events";
import { kickWebhooks } from "@/lib/webhooks/worker";

export type { ChangeMeta };

export interface IssueInput {
  kind: TokenKind;
  name: string;
  description?: string | null;
  expiresAt: Date | null;
  permissions?: ApiPermission[];
  projectId?: string | null;
  gatewayId?: string | null;
  role?: Role | null;
  /** The member the token acts for (or who made it, for organization tokens). */
  createdById: string | null;
  createdByTokenId?: string | null;
  rules?: TokenRules;
}

const VIEW_SELECT = {
  id: true,
  kind: true,
  name: true,
  description: true,
  prefix: true,
  last4: true,
  permissions: true,
  role: true,
  status: true,
  expiresAt: true,
  createdAt: true,
  regeneratedAt: true,
  revokedAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  usageCount: true,
  createdById: true,
  project: { select: { id: true, name: true } },
  gateway: { select: { id: true, slug: true, name: true } },
  createdBy: { select: { id: true, name: true, email: true } },
  createdByToken: { select: { id: true, name: true, prefix: true, last4: true } },
  orgId: true,
  previousPrefix: true,
  previousLast4: true,
  previousValidUntil: true,
  ipAllowlist: true,
  rateLimitPerMinute: true,
  allowedModels: true,
  monthlyTokenBudget: true,
  leakedAt: true,
  leakedUrl: true,
  leakedBy: true,
} satisfies Prisma.TokenSelect;

type TokenRow = Prisma.TokenGetPayload<{ select: typeof VIEW_SELECT }>;

/** Everything the console and the API show about a token: never the secret or its hash. */
export interface TokenView {
  id: string;
  kind: TokenKind;
  name: string;
  description: string | null;
  prefix: string;
  masked: string;
  permissions: ApiPermission[];
  role: Role | null;
  project: { id: string; name: string } | null;
  gateway: { id: string; slug: string; name: string } | null;
  status: DisplayStatus;
  createdAt: string;
  expiresAt: string | null;
  regeneratedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  usageCount: number;
  /** The member the token acts for: for authorization on the server, never sent to the browser (lib/tokens/console.ts). */
  createdById: string | null;
  createdBy: { name: string; email: string; formerMember: boolean } | null;
  /** The token that minted this one through the API. */
  createdByToken: { id: string; name: string; masked: string } | null;
  /** During a rotation overlap: the previous secret, masked, and until when it still works. */
  previous: { masked: string; validUntil: string } | null;
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  allowedModels: string[];
  monthlyTokenBudget: number | null;
  /** Gateway tokens with a budget: input+output tokens used this UTC month. */
  monthTokens: number | null;
  /** The last leak report about the current secret: when, where it was found (if known), who reported it. */
  leak: { at: string; url: string | null; by: string | null } | null;
}

async function toViews(db: PrismaClient | Prisma.TransactionClient, rows: TokenRow[], now = new Date()): Promise<TokenView[]> {
  if (rows.length === 0) return [];
  // "Former member": the creator's account exists but no longer belongs to the org.
  const creatorIds = [...new Set(rows.map((r) => r.createdById).filter((id): id is string => Boolean(id)))];
  const members = new Set(
    (
      await db.membership.findMany({
        where: { orgId: rows[0].orgId, userId: { in: creatorIds } },
        select: { userId: true },
      })
    ).map((m) => m.userId),
  );
  const budgeted = rows.filter((r) => r.kind === "GATEWAY" && r.monthlyTokenBudget !== null).map((r) => r.id);
  const month = await monthUsageByToken(db, budgeted, now.getTime());
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    description: r.description,
    prefix: r.prefix,
    masked: maskToken(r.prefix, r.last4),
    permissions: r.permissions as ApiPermission[],
    role: r.role,
    project: r.project,
    gateway: r.gateway,
    status: displayStatus(r, now),
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    regeneratedAt: r.regeneratedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: r.lastUsedIp,
    usageCount: Number(r.usageCount),
    createdById: r.createdById,
    createdByToken: r.createdByToken
      ? { id: r.createdByToken.id, name: r.createdByToken.name, masked: maskToken(r.createdByToken.prefix, r.createdByToken.last4) }
      : null,
    createdBy: r.createdBy
      ? { name: r.createdBy.name, email: r.createdBy.email, formerMember: !members.has(r.createdBy.id) }
      : null,
    // Shown only while the previous secret still works: not on a deactivated, expired or revoked token.
    previous:
      r.previousValidUntil && r.previousValidUntil > now && r.previousPrefix && r.previousLast4 && displayStatus(r, now) === "ACTIVE"
        ? { masked: maskToken(r.previousPrefix, r.previousLast4), validUntil: r.previousValidUntil.toISOString() }
        : null,
    ipAllowlist: r.ipAllowlist,
    rateLimitPerMinute: r.rateLimitPerMinute,
    allowedModels: r.allowedModels,
    monthlyTokenBudget: r.monthlyTokenBudget,
    monthTokens: budgeted.includes(r.id) ? (month.get(r.id) ?? 0) : null,
    leak: r.leakedAt ? { at: r.leakedAt.toISOString(), url: r.leakedUrl, by: r.leakedBy } : null,
  }));
}

/** Who a workspace token belongs to, for deciding who may change it. */
export function workspaceTokenOwner(db: PrismaClient, orgId: string, id: string) {
  return db.token.findFirst({
    where: { id, orgId, kind: "WORKSPACE" },
    select: { id: true, kind: true, createdById: true, createdByTokenId: true, projectId: true },
  });
}

export async function tokenView(db: PrismaClient, orgId: string, id: string): Promise<TokenView | null> {
  const row = await db.token.findFirst({ where: { id, orgId }, select: VIEW_SELECT });
  return row ? (await toViews(db, [row]))[0] : null;
}

// --- Listing ------------------------------------------------------------------

export const PAGE_SIZE = 25;

export interface TokenListOptions {
  status?: DisplayStatus;
  q?: string;
  filter?: HygieneFilter;
  sort?: TokenSort;
  dir?: SortDirection;
  after?: Cursor | null;
  before?: Cursor | null;
  /** 1-based page for offset paging (the Workspace API); the console pages with cursors. */
  page?: number;
  pageSize?: number;
  projectId?: string;
  gatewayId?: string;
  policy?: TokenPolicy;
}

export interface TokenPage {
  items: TokenView[];
  total: number;
  /** Cursors of the neighbouring pages (keyset paging). */
  next: string | null;
  prev: string | null;
}

/** One page of a kind's tokens: searched, filtered and sorted (lib/tokens/list.ts), newest first by default. */
export async function listTokens(db: PrismaClient, orgId: string, kind: TokenKind, opts: TokenListOptions = {}): Promise<TokenPage> {
  const now = new Date();
  const pageSize = Math.min(Math.max(opts.pageSize ?? PAGE_SIZE, 1), 100);
  const sort = opts.sort ?? "created";
  const page = await pageOfTokenIds(
    db,
    orgId,
    kind,
    {
      ...opts,
      sort,
      dir: opts.dir ?? DEFAULT_DIRECTION[sort],
      pageSize,
      offset: opts.page ? (Math.max(opts.page, 1) - 1) * pageSize : undefined,
      policy: opts.policy ?? NO_POLICY,
    },
    now.getTime(),
  );
  const rows = await db.token.findMany({ where: { id: { in: page.ids } }, select: VIEW_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = page.ids.map((id) => byId.get(id)).filter((r): r is TokenRow => Boolean(r));
  return { items: await toViews(db, ordered, now), total: page.total, next: page.next, prev: page.prev };
}

// --- Changes --------------------------------------------------------------------

/** Who to name as the creator in the admins' e-mail: the member, or the API token and the member behind it. */
async function creatorForEmail(tx: Prisma.TransactionClient, actor: Actor): Promise<{ name: string; email: string }> {
  if (actor.type === "user") {
    const user = await tx.user.findUnique({ where: { id: actor.id }, select: { name: true, email: true } });
    return user ?? { name: actor.label, email: actor.label };
  }
  const token = await tx.token.findUnique({ where: { id: actor.id }, select: { name: true, createdBy: { select: { name: true, email: true } } } });
  return {
    name: `API token "${token?.name ?? actor.label}"${token?.createdBy ? ` of ${token.createdBy.name}` : ""}`,
    email: token?.createdBy?.email ?? "—",
  };
}

/** Queues the admins' e-mail in the same transaction as the token change (docs/contract.md §5). */
async function notifyAdmins(
  tx: Prisma.TransactionClient,
  meta: ChangeMeta,
  token: TokenView,
  action: "created" | "regenerated",
  at: Date,
  previousValidUntil: Date | null = null,
) {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: meta.orgId }, select: { id: true, slug: true, name: true } });
  await queueTokenIssuedEmails(tx, {
    org,
    token,
    action,
    creator: await creatorForEmail(tx, meta.actor),
    at,
    eventId: `token-${action}:${token.id}:${at.getTime()}`,
    previousValidUntil,
  });
}

/**
 * Serializes issuing within one org and kind, so two concurrent creations
 * cannot both pass the unique-name check (a transaction-scoped advisory lock;
 * works the same on PGlite and PostgreSQL).
 */
async function lockNames(tx: Prisma.TransactionClient, orgId: string, kind: TokenKind) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`token-names:${orgId}:${kind}`}))`;
}

/** Locks and returns the token row for a change, or throws 404 if it is not in the org. */
async function lockToken(tx: Prisma.TransactionClient, orgId: string, id: string) {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Token" WHERE id = ${id} AND "orgId" = ${orgId} FOR UPDATE`;
  if (locked.length === 0) throw new DomainError("not_found", "Token not found.");
  return tx.token.findUniqueOrThrow({ where: { id }, select: { ...VIEW_SELECT, hash: true, previousHash: true } });
}

export async function issueToken(db: PrismaClient, meta: ChangeMeta, input: IssueInput) {
  const issued = issueSecret(input.kind);
  const view = await db.$transaction(async (tx) => {
    await lockNames(tx, meta.orgId, input.kind);
    const clash = await tx.token.findFirst({
      where: { orgId: meta.orgId, kind: input.kind, name: input.name, status: { not: "REVOKED" } },
      select: { id: true },
    });
    if (clash) {
      throw new DomainError("conflict", `A ${KINDS[input.kind].slug} token named "${input.name}" already exists. Choose another name.`, "name");
    }
    if (input.gatewayId) {
      const gateway = await tx.gateway.findFirst({ where: { id: input.gatewayId, orgId: meta.orgId }, select: { id: true } });
      if (!gateway) throw new DomainError("invalid", "That gateway does not exist in this organization.", "gatewayId");
    }
    if (input.projectId) {
      const project = await tx.project.findFirst({ where: { id: input.projectId, orgId: meta.orgId }, select: { id: true } });
      if (!project) throw new DomainError("invalid", "That project does not exist in this organization.", "projectId");
    }
    await checkLifetime(tx, meta.orgId, new Date(), input.expiresAt);
    const row = await tx.token.create({
      data: {
        orgId: meta.orgId,
        kind: input.kind,
        name: input.name,
        description: input.description || null,
        hash: issued.hash,
        prefix: issued.prefix,
        last4: issued.last4,
        permissions: input.permissions ?? [],
        role: input.role ?? null,
        projectId: input.projectId ?? null,
        gatewayId: input.gatewayId ?? null,
        expiresAt: input.expiresAt,
        createdById: input.createdById,
        createdByTokenId: input.createdByTokenId ?? null,
        ...(input.rules ? await checkedRules(tx, meta.orgId, input.kind, input.gatewayId ?? null, input.rules) : {}),
      },
      select: VIEW_SELECT,
    });
    await audit(tx, {
      ...meta,
      action: "token.created",
      target: { type: "token", id: row.id, label: row.name },
      metadata: {
        kind: input.kind,
        masked: maskToken(row.prefix, row.last4),
        permissions: input.permissions ?? [],
        role: input.role ?? null,
        projectId: input.projectId ?? null,
        gatewayId: input.gatewayId ?? null,
        expiresAt: input.expiresAt?.toISOString() ?? null,
        ...(input.description ? { description: input.description } : {}),
        ...(input.rules ? { rules: input.rules } : {}),
      },
    });
    const view = (await toViews(tx, [row]))[0];
    await notifyAdmins(tx, meta, view, "created", row.createdAt);
    await emitEvent(tx, meta.orgId, "token.created", { token: tokenData(row), actor: actorData(meta.actor) });
    return view;
  });
  // This instance's known-token filter learns the new secret at once (the others through the change feed).
  tokenAdded(issued.hash);
  kickOutbox();
  kickWebhooks();
  return { token: view, secret: issued.secret };
}

/** The org's token lifetime policy (Settings). */
export async function tokenPolicyOf(db: PrismaClient | Prisma.TransactionClient, orgId: string): Promise<TokenPolicy> {
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { tokenMaxLifetimeDays: true, tokenExpiryRequired: true } });
  return org ? { maxLifetimeDays: org.tokenMaxLifetimeDays, expiryRequired: org.tokenExpiryRequired } : NO_POLICY;
}

/** Refuses a lifetime from `from` to `expiresAt` that the org's policy does not allow (400, naming the policy). */
async function checkLifetime(tx: Prisma.TransactionClient, orgId: string, from: Date, expiresAt: Date | null) {
  const problem = lifetimeProblem(await tokenPolicyOf(tx, orgId), from, expiresAt);
  if (problem) throw new DomainError("invalid", problem, "expiration");
}

/**
 * A new secret for the same token. With an overlap, the old secret keeps
 * working until then (a token has at most one previous secret: an older one
 * ends now); without, it stops at once. The row lock makes concurrent
 * regenerations queue, leaving exactly one current secret. `expiresAt`, when
 * given, sets a new expiry; either way the new secret's lifetime, counted from
 * now, must fit the org's policy.
 */
export async function regenerateToken(db: PrismaClient, meta: ChangeMeta, id: string, overlapMs = 0, expiresAt?: Date | null) {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    const status = displayStatus(current);
    if (status === "REVOKED" || status === "EXPIRED") {
      throw new DomainError("conflict", `A ${status.toLowerCase()} token cannot be regenerated.`);
    }
    const at = new Date();
    const newExpiry = expiresAt === undefined ? current.expiresAt : expiresAt;
    await checkLifetime(tx, meta.orgId, at, newExpiry);
    const fresh = issueSecret(current.kind);
    // A secret reported leaked stops at once: no overlap keeps it working. The new secret is not leaked.
    const overlap = overlapMs > 0 && !current.leakedAt;
    const row = await tx.token.update({
      where: { id },
      data: {
        expiresAt: newExpiry,
        hash: fresh.hash,
        prefix: fresh.prefix,
        last4: fresh.last4,
        regeneratedAt: at,
        previousHash: overlap ? current.hash : null,
        previousPrefix: overlap ? current.prefix : null,
        previousLast4: overlap ? current.last4 : null,
        previousValidUntil: overlap ? new Date(at.getTime() + overlapMs) : null,
        leakedAt: null,
        leakedUrl: null,
        leakedBy: null,
      },
      select: VIEW_SELECT,
    });
    await audit(tx, {
      ...meta,
      action: "token.regenerated",
      target: { type: "token", id, label: row.name },
      metadata: {
        kind: row.kind,
        from: maskToken(current.prefix, current.last4),
        to: maskToken(row.prefix, row.last4),
        previousValidUntil: row.previousValidUntil?.toISOString() ?? null,
        ...(expiresAt !== undefined ? { expiresAt: { from: current.expiresAt?.toISOString() ?? null, to: newExpiry?.toISOString() ?? null } } : {}),
        ...(current.leakedAt ? { replacedLeakedSecret: true } : {}),
      },
    });
    const view = (await toViews(tx, [row]))[0];
    await notifyAdmins(tx, meta, view, "regenerated", at, row.previousValidUntil);
    await emitEvent(tx, meta.orgId, "token.regenerated", {
      token: tokenData(row),
      previous_valid_until: row.previousValidUntil?.toISOString() ?? null,
      actor: actorData(meta.actor),
    });
    return { view, secret: fresh.secret, old: { id, hash: current.hash, previousHash: current.previousHash }, fresh: fresh.hash };
  });
  tokensChanged([result.old]);
  tokenAdded(result.fresh);
  kickOutbox();
  kickWebhooks();
  return { token: result.view, secret: result.secret };
}

export async function setTokenActive(db: PrismaClient, meta: ChangeMeta, id: string, active: boolean) {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    if (current.status === "REVOKED") throw new DomainError("conflict", "A revoked token cannot be changed.");
    const target = active ? "ACTIVE" : "INACTIVE";
    if (current.status === target) return { view: (await toViews(tx, [current]))[0], changed: null };
    const row = await tx.token.update({ where: { id }, data: { status: target }, select: VIEW_SELECT });
    await audit(tx, {
      ...meta,
      action: active ? "token.activated" : "token.deactivated",
      target: { type: "token", id, label: row.name },
      metadata: { kind: row.kind },
    });
    return { view: (await toViews(tx, [row]))[0], changed: current };
  });
  if (result.changed) tokensChanged([result.changed]);
  return result.view;
}

/** Revokes a token and, transitively, every token it minted; `minted` lists those. */
export async function revokeToken(db: PrismaClient, meta: ChangeMeta, id: string): Promise<{ token: TokenView; minted: MintedToken[] }> {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    if (current.status === "REVOKED") return { view: (await toViews(tx, [current]))[0], revoked: [] };
    const revoked = await revokeTokens(tx, meta, [id]);
    const row = await tx.token.findUniqueOrThrow({ where: { id }, select: VIEW_SELECT });
    return { view: (await toViews(tx, [row]))[0], revoked };
  });
  tokensChanged(result.revoked);
  kickWebhooks();
  return { token: result.view, minted: result.revoked.filter((r) => r.minted).map(({ id, name, kind, masked }) => ({ id, name, kind, masked })) };
}

/** A token revoked with the one that minted it, as the console and the API list it (no hashes). */
export interface MintedToken {
  id: string;
  name: string;
  kind: TokenKind;
  masked: string;
}

/** The live tokens a token minted (what revoking it would also revoke), for the revoke dialog. */
export async function liveMintedTokens(db: PrismaClient, orgId: string, id: string): Promise<MintedToken[]> {
  const ids = await mintedBy(db, [id]);
  if (ids.length === 0) return [];
  const rows = await db.token.findMany({
    where: { id: { in: ids }, orgId },
    select: { id: true, name: true, kind: true, prefix: true, last4: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, masked: maskToken(r.prefix, r.last4) }));
}

/** The token's own history (audit entries naming it), newest first, for the details panel. */
export async function tokenActivity(db: PrismaClient, orgId: string, id: string, take = 20) {
  const events = await db.auditEvent.findMany({
    where: { orgId, targetType: "token", targetId: id },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, action: true, actorLabel: true, actorType: true, ip: true, createdAt: true },
  });
  return events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
}

/**
 * Renames a token and/or sets its description (GitHub's "note"), audited with
 * what changed. A new name must be free among the org's live tokens of its kind.
 */
export async function updateTokenDetails(db: PrismaClient, meta: ChangeMeta, id: string, input: { name?: string; description?: string | null }) {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    if (current.status === "REVOKED") throw new DomainError("conflict", "A revoked token cannot be changed.");
    const data: { name?: string; description?: string | null } = {};
    if (input.name !== undefined && input.name !== current.name) {
      await lockNames(tx, meta.orgId, current.kind);
      const clash = await tx.token.findFirst({
        where: { orgId: meta.orgId, kind: current.kind, name: input.name, status: { not: "REVOKED" }, id: { not: id } },
        select: { id: true },
      });
      if (clash) throw new DomainError("conflict", `A ${KINDS[current.kind].slug} token named "${input.name}" already exists. Choose another name.`, "name");
      data.name = input.name;
    }
    const description = input.description === undefined ? undefined : input.description || null;
    if (description !== undefined && description !== current.description) data.description = description;
    if (Object.keys(data).length === 0) return { view: (await toViews(tx, [current]))[0], changed: null };
    const row = await tx.token.update({ where: { id }, data, select: VIEW_SELECT });
    await audit(tx, {
      ...meta,
      action: "token.updated",
      target: { type: "token", id, label: row.name },
      metadata: {
        kind: row.kind,
        ...(data.name !== undefined ? { name: { from: current.name, to: data.name } } : {}),
        ...(data.description !== undefined ? { description: { from: current.description, to: data.description } } : {}),
      },
    });
    return { view: (await toViews(tx, [row]))[0], changed: data.name !== undefined ? current : null };
  });
  // The name is part of what a verification carries (the audit label of an API actor).
  if (result.changed) tokensChanged([result.changed]);
  return result.view;
}

/** Ends a rotation overlap now: the previous secret stops working. */
export async function endOverlap(db: PrismaClient, meta: ChangeMeta, id: string) {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    if (!current.previousHash) return { view: (await toViews(tx, [current]))[0], changed: null };
    const row = await tx.token.update({
      where: { id },
      data: { previousHash: null, previousPrefix: null, previousLast4: null, previousValidUntil: null },
      select: VIEW_SELECT,
    });
    await audit(tx, {
      ...meta,
      action: "token.overlap_ended",
      target: { type: "token", id, label: row.name },
      metadata: { kind: row.kind, previous: current.previousPrefix && current.previousLast4 ? maskToken(current.previousPrefix, current.previousLast4) : null },
    });
    return { view: (await toViews(tx, [row]))[0], changed: current };
  });
  if (result.changed) tokensChanged([result.changed]);
  return result.view;
}

/** Rules that make sense for the kind: model allowlist and budget only for gateway tokens, models within the gateway's. */
async function checkedRules(tx: Prisma.TransactionClient, orgId: string, kind: TokenKind, gatewayId: string | null, rules: TokenRules) {
  let allowedModels: string[] = [];
  let monthlyTokenBudget: number | null = null;
  if (kind === "GATEWAY") {
    monthlyTokenBudget = rules.monthlyTokenBudget;
    if (rules.allowedModels.length) {
      const gateway = gatewayId ? await tx.gateway.findFirst({ where: { id: gatewayId, orgId }, select: { models: true } }) : null;
      const unknown = rules.allowedModels.filter((m) => !gateway?.models.includes(m));
      if (unknown.length) throw new DomainError("invalid", `Not a model of this gateway: ${unknown.join(", ")}.`, "allowedModels");
      allowedModels = rules.allowedModels;
    }
  }
  return { ipAllowlist: rules.ipAllowlist, rateLimitPerMinute: rules.rateLimitPerMinute, allowedModels, monthlyTokenBudget };
}

/** Changes a token's guard rails; takes effect on this instance at once, elsewhere within a second. */
export async function updateTokenRules(db: PrismaClient, meta: ChangeMeta, id: string, rules: TokenRules) {
  const result = await db.$transaction(async (tx) => {
    const current = await lockToken(tx, meta.orgId, id);
    if (current.status === "REVOKED") throw new DomainError("conflict", "A revoked token cannot be changed.");
    const data = await checkedRules(tx, meta.orgId, current.kind, current.gateway?.id ?? null, rules);
    const row = await tx.token.update({ where: { id }, data, select: VIEW_SELECT });
    await audit(tx, { ...meta, action: "token.rules_updated", target: { type: "token", id, label: row.name }, metadata: { kind: row.kind, ...data } });
    return { view: (await toViews(tx, [row]))[0], changed: current };
  });
  tokensChanged([result.changed]);
  return result.view;
}
