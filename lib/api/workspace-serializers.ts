import "server-only";
import type { z } from "zod";
import { KINDS } from "@/lib/tokens/kinds";
import type { TokenView } from "@/lib/tokens/service";
import type { Principal } from "@/lib/tokens/verify";
import type { member, meResponse, project, tokenMetadata, tokenUsage } from "@/lib/schemas/workspace-api";
import type { ModelPoint, Range, UsagePoint } from "@/lib/usage/series";

export function serializeMe(p: Principal): z.infer<typeof meResponse> {
  return {
    id: p.tokenId,
    org_id: p.orgId,
    org_slug: p.orgSlug,
    kind: KINDS[p.kind].slug,
    name: p.name,
    ...(p.kind === "WORKSPACE" ? { permissions: p.permissions, project_id: p.projectId } : {}),
    ...(p.kind === "ORGANIZATION" && p.tokenRole ? { role: p.tokenRole } : {}),
    ...(p.kind === "GATEWAY" ? { gateway_id: p.gateway?.id ?? null } : {}),
    created_at: p.createdAt.toISOString(),
    created_by: p.createdBy,
    expires_at: p.expiresAt?.toISOString() ?? null,
    secret_expires_at: p.usableUntil?.toISOString() ?? null,
  };
}

export function serializeProject(p: { id: string; name: string; createdAt: Date; updatedAt: Date }): z.infer<typeof project> {
  return { id: p.id, name: p.name, created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString() };
}

export function serializeToken(t: TokenView): z.infer<typeof tokenMetadata> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    masked: t.masked,
    permissions: t.permissions,
    project_id: t.project?.id ?? null,
    status: t.status,
    created_at: t.createdAt,
    created_by: t.createdBy ? { name: t.createdBy.name, email: t.createdBy.email } : null,
    created_by_token: t.createdByToken,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    usage_count: t.usageCount,
  };
}

/** A member as the API shows them: the membership's id, never the user's (docs/contract.md §10). */
export function serializeMember(m: { id: string; role: z.infer<typeof member>["role"]; createdAt: Date; user: { name: string; email: string } }): z.infer<typeof member> {
  return { id: m.id, name: m.user.name, email: m.user.email, role: m.role, joined_at: m.createdAt.toISOString() };
}

export function serializeUsage(tokenId: string, u: { range: Range; points: UsagePoint[]; models: ModelPoint[] }): z.infer<typeof tokenUsage> {
  return {
    token_id: tokenId,
    granularity: u.range.granularity,
    from: u.range.from.toISOString(),
    to: u.range.to.toISOString(),
    data: u.points.map((p) => ({ start: p.start, succeeded: p.succeeded, denied: p.denied, rate_limited: p.limited, failed: p.failed })),
    models: u.models.map((m) => ({ start: m.start, model: m.model, calls: m.calls, input_tokens: m.inputTokens, output_tokens: m.outputTokens })),
  };
}
