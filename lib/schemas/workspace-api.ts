/**
 * The Workspace API's request and response schemas. Route handlers validate
 * with these, and /api/v1/openapi.json is generated from these same objects,
 * so the document cannot drift from what the routes accept.
 */
import { z } from "zod";
import { API_PERMISSIONS, ROLES } from "@/lib/authz";
import { DISPLAY_STATUSES } from "@/lib/tokens/status";
import { projectName } from "./projects";
import { permission, tokenDescription, tokenName } from "./tokens";

const isoDate = z.string().describe("ISO 8601 timestamp (UTC)");

export const meResponse = z
  .object({
    id: z.string(),
    org_id: z.string(),
    org_slug: z.string(),
    kind: z.enum(["workspace", "gateway", "organization"]),
    name: z.string(),
    permissions: z.array(permission).optional().describe("Workspace tokens: what the token may do now."),
    role: z.enum(ROLES).optional().describe("Organization tokens: the role they act with."),
    project_id: z.string().nullable().optional(),
    gateway_id: z.string().nullable().optional().describe("Gateway tokens: their gateway."),
    created_at: isoDate,
    created_by: z.object({ name: z.string(), email: z.string() }).nullable(),
    expires_at: isoDate.nullable(),
    secret_expires_at: isoDate
      .nullable()
      .describe("When the secret used for this call stops working: expires_at, or for the previous secret during a rotation overlap, the end of the overlap if sooner."),
  })
  .meta({ id: "Me" });

export const project = z
  .object({ id: z.string(), name: z.string(), created_at: isoDate, updated_at: isoDate })
  .meta({ id: "Project" });
export const projectList = z.object({ data: z.array(project) });
export const createProjectBody = z.object({ name: projectName }).strict().meta({ id: "CreateProject" });
export const updateProjectBody = z.object({ name: projectName }).strict().meta({ id: "UpdateProject" });

export const tokenMetadata = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().describe("What the token is for (optional)."),
    masked: z.string().describe("8-character prefix, an ellipsis, the last 4 characters"),
    permissions: z.array(permission),
    project_id: z.string().nullable(),
    status: z.enum(DISPLAY_STATUSES),
    created_at: isoDate,
    created_by: z.object({ name: z.string(), email: z.string() }).nullable(),
    created_by_token: z
      .object({ id: z.string(), name: z.string(), masked: z.string() })
      .nullable()
      .describe("The token that created this one through the API: this one never does more than that token may now."),
    expires_at: isoDate.nullable(),
    last_used_at: isoDate.nullable(),
    usage_count: z.number().int(),
  })
  .meta({ id: "WorkspaceToken" });
export const tokenList = z.object({
  data: z.array(tokenMetadata),
  page: z.number().int(),
  page_count: z.number().int(),
  total: z.number().int(),
});
export const listTokensQuery = z.object({
  status: z.enum(DISPLAY_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export const createTokenBody = z
  .object({
    name: tokenName,
    description: tokenDescription.nullable().optional(),
    permissions: z.array(permission).min(1, "Grant at least one permission.").max(API_PERMISSIONS.length),
    project_id: z.string().min(1).max(64).nullable().optional(),
    expires_at: z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) > Date.now(), "must be in the future.")
      .nullable()
      .optional()
      .describe("Omit or null for a token that never expires (unless the organization's token policy requires an expiry date or limits the lifetime: then a longer or missing expiry is refused with 400)."),
  })
  .strict()
  .meta({ id: "CreateWorkspaceToken" });
export const createdToken = tokenMetadata
  .extend({ token: z.string().describe("The secret. Returned only in this response: store it now.") })
  .meta({ id: "CreatedWorkspaceToken" });

export const updateTokenBody = z
  .object({
    name: tokenName.optional(),
    description: tokenDescription.nullable().optional().describe("Empty or null removes it."),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.description !== undefined, "Send name, description or both.")
  .meta({ id: "UpdateWorkspaceToken" });

export const USAGE_GRANULARITIES = ["hour", "day"] as const;
/** At most this many buckets per request. */
export const MAX_USAGE_BUCKETS = 1_000;
export const usageQuery = z
  .object({
    granularity: z.enum(USAGE_GRANULARITIES).default("day").describe("hour (kept 48 hours by default) or day (kept 90 days)"),
    from: z.iso.datetime({ offset: true }).optional().describe("Start (inclusive; rounded down to the bucket). Default: 48 hours (hour) or 90 days (day) before `to`."),
    to: z.iso.datetime({ offset: true }).optional().describe("End (exclusive; rounded up to the bucket). Default: now."),
  });
export const usageBucket = z.object({
  start: isoDate,
  succeeded: z.number().int().describe("2xx answers"),
  denied: z.number().int().describe("403: refused by the token's scope, organization, permissions, IP or model allowlist"),
  rate_limited: z.number().int().describe("429: refused by the token's rate limit or monthly budget"),
  failed: z.number().int().describe("Other errors (400, 404, 409, 5xx)"),
});
export const modelUsageBucket = z.object({
  start: isoDate,
  model: z.string(),
  calls: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
});
export const tokenUsage = z
  .object({
    token_id: z.string(),
    granularity: z.enum(USAGE_GRANULARITIES),
    from: isoDate,
    to: isoDate,
    data: z.array(usageBucket).describe("Every bucket in [from, to), oldest first, zeros included."),
    models: z.array(modelUsageBucket).describe("Gateway tokens: model tokens per bucket and model (buckets with calls only)."),
  })
  .meta({ id: "TokenUsage" });

export const revokedToken = tokenMetadata
  .extend({
    also_revoked: z
      .array(z.object({ id: z.string(), name: z.string(), masked: z.string() }))
      .describe("Tokens this token had created through the API (transitively), revoked with it."),
  })
  .meta({ id: "RevokedWorkspaceToken" });

export const member = z
  .object({ id: z.string().describe("The membership's id"), name: z.string(), email: z.string(), role: z.enum(ROLES), joined_at: isoDate })
  .meta({ id: "Member" });
export const memberList = z.object({ data: z.array(member) });

export const reportLeakBody = z
  .object({
    token: z.string().trim().min(1).max(200).describe("The leaked token, or its masked form as the console shows it (ksw_AbCd…wxYz)."),
    url: z.url({ protocol: /^https?$/ }).max(2_000).optional().describe("Where it was found, if known."),
  })
  .strict()
  .meta({ id: "ReportLeakedToken" });
export const leakReportResult = z
  .object({
    token: z.object({ id: z.string(), name: z.string(), masked: z.string() }),
    outcome: z
      .enum(["revoked", "flagged", "already_revoked", "secret_retired"])
      .describe("What the organization's leak policy did: revoked at once, or only flagged; or nothing, because the token was already revoked or the secret was already replaced."),
    also_revoked: z.array(z.object({ id: z.string(), name: z.string(), masked: z.string() })).describe("Tokens it had minted, revoked with it."),
  })
  .meta({ id: "LeakReportResult" });

export const errorBody = z
  .object({
    type: z.literal("error"),
    error: z.object({ type: z.string(), message: z.string() }),
  })
  .meta({ id: "Error" });
