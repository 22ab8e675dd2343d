import { describe, expect, it } from "vitest";
import { z } from "zod";

import {
  me as meRoute,
  members as membersRoute,
  openapi,
  project as projectRoute,
  projects as projectsRoute,
  reportLeak as reportLeakRoute,
  token as tokenRoute,
  tokens as tokensRoute,
  tokenUsage as tokenUsageRoute,
} from "@/lib/api/routes/workspace";
import { OPERATIONS } from "@/lib/api/openapi";
import { createProjectBody, createTokenBody, updateProjectBody, updateTokenBody } from "@/lib/schemas/workspace-api";
import { API_PERMISSIONS } from "@/lib/authz";

type JsonObject = Record<string, unknown>;

/** The route module serving each documented path. */
const ROUTES: Record<string, JsonObject> = {
  "/app/me": meRoute,
  "/app/projects": projectsRoute,
  "/app/projects/{id}": projectRoute,
  "/app/tokens": tokensRoute,
  "/app/tokens/{id}": tokenRoute,
  "/app/tokens/{id}/usage": tokenUsageRoute,
  "/app/members": membersRoute,
  "/app/token-leaks": reportLeakRoute,
};

async function fetchDocument() {
  const response = await openapi.GET();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return (await response.json()) as {
    openapi: string;
    paths: Record<string, Record<string, JsonObject>>;
    components: { schemas: Record<string, JsonObject> };
  };
}

function requestSchema(operation: JsonObject): unknown {
  const body = operation.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
  return body?.content["application/json"].schema;
}

/** Follows a "#/components/schemas/X" reference in the document. */
function resolveIn(doc: { components: { schemas: Record<string, JsonObject> } }, schema: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  return doc.components.schemas[ref.replace(/^#\/components\/schemas\//, "")];
}

/** What zod itself makes of a named schema: its single $defs entry. */
function zodDefinition(schema: z.ZodType): unknown {
  const out = z.toJSONSchema(schema, { io: "input" }) as { $defs?: Record<string, unknown> };
  return Object.values(out.$defs ?? {})[0] ?? out;
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1.0 document", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it("documents every operation, and every documented operation is served by a route handler", async () => {
    const doc = await fetchDocument();
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(10);
    for (const op of OPERATIONS) {
      expect(doc.paths[op.path]?.[op.method], `${op.method} ${op.path} in the document`).toBeDefined();
      expect(ROUTES[op.path]?.[op.method.toUpperCase()], `${op.method} ${op.path} route handler`).toBeTypeOf("function");
    }
    // ... and nothing else is documented.
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
  });

  it("describes request bodies with exactly the zod schemas the routes validate with", async () => {
    const doc = await fetchDocument();
    const body = (path: string, method: string) => resolveIn(doc, requestSchema(doc.paths[path][method]) as JsonObject);
    expect(body("/app/tokens", "post")).toEqual(zodDefinition(createTokenBody));
    expect(body("/app/projects", "post")).toEqual(zodDefinition(createProjectBody));
    expect(body("/app/projects/{id}", "patch")).toEqual(zodDefinition(updateProjectBody));
    expect(body("/app/tokens/{id}", "patch")).toEqual(zodDefinition(updateTokenBody));
  });

  it("documents the usage endpoint: its query parameters, the permission and the buckets it answers", async () => {
    const doc = await fetchDocument();
    const op = doc.paths["/app/tokens/{id}/usage"].get;
    const names = (op.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(["path:id", "query:granularity", "query:from", "query:to"]));
    expect(op.description).toContain("tokens:read");
    const ok = resolveIn(doc, (op.responses as Record<string, { content: Record<string, { schema: JsonObject }> }>)["200"].content["application/json"].schema);
    expect(Object.keys(ok.properties as JsonObject)).toEqual(["token_id", "granularity", "from", "to", "data", "models"]);
  });

  it("spells out the limits: project names at most 64 characters, closed objects, known permissions", async () => {
    const doc = await fetchDocument();
    const createProject = resolveIn(doc, requestSchema(doc.paths["/app/projects"].post) as JsonObject);
    expect(createProject).toMatchObject({
      type: "object",
      required: ["name"],
      additionalProperties: false,
      properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
    });

    const createToken = resolveIn(doc, requestSchema(doc.paths["/app/tokens"].post) as JsonObject);
    expect(createToken).toMatchObject({
      required: ["name", "permissions"],
      additionalProperties: false,
      properties: {
        name: { maxLength: 64 },
        permissions: { minItems: 1, items: { enum: [...API_PERMISSIONS] } },
      },
    });
  });

  it("documents 413 and 415 on exactly the operations that read a body", async () => {
    const doc = await fetchDocument();
    for (const op of OPERATIONS) {
      const responses = Object.keys(doc.paths[op.path][op.method].responses as JsonObject);
      const expected = op.body ? expect.arrayContaining(["413", "415"]) : expect.not.arrayContaining(["413"]);
      expect(responses, `${op.method} ${op.path}`).toEqual(expected);
    }
    expect((doc.paths["/app/projects"].post.responses as Record<string, { description: string }>)["413"].description).toBe("Body larger than 1 MiB");
  });

  it("requires the x-org header on every operation", async () => {
    const doc = await fetchDocument();
    for (const op of OPERATIONS) {
      const parameters = doc.paths[op.path][op.method].parameters as Array<{ name: string; in: string; required: boolean }>;
      expect(parameters, `${op.method} ${op.path}`).toContainEqual(expect.objectContaining({ name: "x-org", in: "header", required: true }));
    }
  });

  // Regression: schemas used to keep zod's "#/$defs/<Id>" references, which do not
  // resolve inside an OpenAPI document.
  it("has only references that resolve from the document root", async () => {
    const doc = (await fetchDocument()) as unknown as JsonObject;
    const unresolved: string[] = [];
    const visit = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          let target: unknown = doc;
          for (const part of value.replace(/^#\//, "").split("/")) target = (target as JsonObject | undefined)?.[part];
          if (target === undefined) unresolved.push(value);
        } else visit(value);
      }
    };
    visit(doc);
    expect([...new Set(unresolved)]).toEqual([]);
  });
});
