/**
 * OpenAPI 3.1 for the Workspace API, generated from the zod schemas the routes
 * validate with (lib/api/workspace-schemas.ts). OpenAPI 3.1 schemas are JSON
 * Schema 2020-12, which is what z.toJSONSchema emits.
 */
import "server-only";
import { z } from "zod";
import { DEFAULT_MAX_BODY_BYTES } from "./body";
import * as s from "@/lib/schemas/workspace-api";

type Schema = z.ZodType;

interface Operation {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  permission?: string;
  /** Only tokens acting with the ADMIN role (an admin organization token, or a token of an admin). */
  adminOnly?: boolean;
  body?: Schema;
  query?: z.ZodObject;
  ok: { status: number; schema?: Schema; description: string };
}

export const OPERATIONS: Operation[] = [
  { method: "get", path: "/app/me", summary: "The calling token (any kind)", ok: { status: 200, schema: s.meResponse, description: "The token" } },
  { method: "get", path: "/app/projects", summary: "List projects", permission: "projects:read", ok: { status: 200, schema: s.projectList, description: "Projects" } },
  { method: "post", path: "/app/projects", summary: "Create a project", permission: "projects:write", body: s.createProjectBody, ok: { status: 201, schema: s.project, description: "Created" } },
  { method: "get", path: "/app/projects/{id}", summary: "Get a project", permission: "projects:read", ok: { status: 200, schema: s.project, description: "The project" } },
  { method: "patch", path: "/app/projects/{id}", summary: "Rename a project", permission: "projects:write", body: s.updateProjectBody, ok: { status: 200, schema: s.project, description: "Updated" } },
  { method: "delete", path: "/app/projects/{id}", summary: "Delete a project (revokes tokens limited to it)", permission: "projects:write", ok: { status: 204, description: "Deleted" } },
  { method: "get", path: "/app/tokens", summary: "List workspace tokens (metadata only)", permission: "tokens:read", query: s.listTokensQuery, ok: { status: 200, schema: s.tokenList, description: "Tokens" } },
  { method: "post", path: "/app/tokens", summary: "Create a workspace token; the secret is returned once", permission: "tokens:create", body: s.createTokenBody, ok: { status: 201, schema: s.createdToken, description: "Created; `token` holds the secret" } },
  { method: "patch", path: "/app/tokens/{id}", summary: "Rename a workspace token or set its description (audited)", permission: "tokens:create", body: s.updateTokenBody, ok: { status: 200, schema: s.tokenMetadata, description: "The token as it is now" } },
  { method: "delete", path: "/app/tokens/{id}", summary: "Revoke a workspace token and every token it created", permission: "tokens:delete", ok: { status: 200, schema: s.revokedToken, description: "The revoked token, and the tokens revoked with it" } },
  { method: "get", path: "/app/tokens/{id}/usage", summary: "A workspace token's calls per hour or day by outcome (and model tokens for gateway calls)", permission: "tokens:read", query: s.usageQuery, ok: { status: 200, schema: s.tokenUsage, description: "Usage buckets" } },
  { method: "get", path: "/app/members", summary: "List members", permission: "members:read", ok: { status: 200, schema: s.memberList, description: "Members" } },
  {
    method: "post",
    path: "/app/token-leaks",
    summary: "Report a token of the organization leaked: revoked at once or flagged, by the organization's leak policy",
    permission: "tokens:delete",
    adminOnly: true,
    body: s.reportLeakBody,
    ok: { status: 200, schema: s.leakReportResult, description: "What was done" },
  },
];

const ERRORS: Record<string, string> = {
  "400": "Invalid request (bad body or query, or missing x-org header)",
  "401": "Missing, invalid, expired, inactive or revoked token",
  "403": "Valid token without the permission, or for another organization",
  "404": "Not found",
  "409": "Conflict (a project or live token with that name exists)",
  "503": "Database unavailable",
};

// Only operations that read a body can answer these (lib/api/body.ts).
const BODY_ERRORS: Record<string, string> = {
  "413": `Body larger than ${DEFAULT_MAX_BODY_BYTES / 1024 / 1024} MiB`,
  "415": "Body not sent as application/json",
};

/** Named schemas (those with `.meta({ id })`) collected into components.schemas. */
type Json = Record<string, unknown>;
const components: Record<string, unknown> = {};

/** Rewrites zod's local `#/$defs/X` references to the document's `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      out[k] = k === "$ref" && typeof v === "string" ? v.replace(/^#\/\$defs\//, "#/components/schemas/") : relink(v);
    }
    return out;
  }
  return value;
}

function jsonSchema(schema: Schema, io: "input" | "output"): unknown {
  const { $defs, $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as Json & {
    $defs?: Json;
  };
  void _dialect;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = relink(def);
  return relink(rest);
}

export function openApiDocument(serverUrl = "/api/v1") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [
      { name: "x-org", in: "header", required: true, schema: { type: "string" }, description: "Your organization's slug" },
    ];
    if (op.path.includes("{id}")) parameters.push({ name: "id", in: "path", required: true, schema: { type: "string" } });
    if (op.query) {
      const q = jsonSchema(op.query, "input") as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: "query", required: false, schema });
    }
    const responses: Record<string, unknown> = {
      [String(op.ok.status)]: op.ok.schema
        ? { description: op.ok.description, content: { "application/json": { schema: jsonSchema(op.ok.schema, "output") } } }
        : { description: op.ok.description },
    };
    for (const [status, description] of Object.entries({ ...ERRORS, ...(op.body ? BODY_ERRORS : {}) })) {
      responses[status] = { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.permission ? { description: `Requires the \`${op.permission}\` permission${op.adminOnly ? " and the ADMIN role" : ""}.` } : {}),
      parameters,
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Keysmith Workspace API",
      version: "1.0.0",
      description: "Manage a Keysmith organization's projects, workspace tokens and members with a workspace or organization token.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "A Keysmith token (ksw_…, kso_…)" } },
      schemas: { Error: jsonSchema(s.errorBody, "output"), ...components },
    },
    paths,
  };
}
