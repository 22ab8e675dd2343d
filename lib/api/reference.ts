/**
 * The OpenAPI document (./openapi.ts) reshaped for the console's API reference
 * page: operations with their parameters, and JSON Schemas flattened into
 * field lists a person reads (name, type in words, required, limits). Written
 * against what our document uses (objects, arrays, enums, nullable unions, $ref
 * to components), not all of JSON Schema.
 */
import "server-only";
import { openApiDocument } from "./openapi";

type Json = Record<string, unknown>;

export interface Field {
  name: string;
  type: string;
  required: boolean;
  notes: string[];
  description?: string;
  /** An object's (or an array of objects') own fields, one level down. */
  children?: Field[];
}

export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  parameters: Field[];
  body?: Field[];
  success: { status: string; description: string; fields?: Field[] };
  errors: Array<{ status: string; description: string }>;
}

function resolver(schemas: Record<string, Json>) {
  const resolve = (s: Json | undefined): Json => {
    if (s && typeof s.$ref === "string") return resolve(schemas[s.$ref.replace("#/components/schemas/", "")]);
    return s ?? {};
  };
  return resolve;
}

/** "string (date-time) or null", "one of: a, b", "array of string" … */
function describeType(schema: Json, resolve: (s: Json) => Json): { type: string; nullable: boolean; inner?: Json } {
  const s = resolve(schema);
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (union) {
    const parts = union.map((u) => resolve(u));
    const nonNull = parts.filter((p) => p.type !== "null");
    const nullable = nonNull.length < parts.length;
    if (nonNull.length === 1) return { ...describeType(nonNull[0], resolve), nullable };
    return { type: nonNull.map((p) => describeType(p, resolve).type).join(" or "), nullable };
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  const nullable = types.includes("null");
  const base = types.find((t) => t && t !== "null") ?? (s.enum ? "string" : "any");
  if (base === "array") {
    const items = resolve((s.items as Json) ?? {});
    const inner = describeType(items, resolve);
    return { type: `array of ${inner.type}`, nullable, inner: items.type === "object" || items.properties ? items : undefined };
  }
  if (base === "object") return { type: "object", nullable, inner: s };
  return { type: s.format ? `${base} (${s.format})` : base, nullable };
}

function notesOf(schema: Json, resolve: (s: Json) => Json): string[] {
  const s = resolve(schema);
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  const own = union ? resolve(union.find((u) => resolve(u).type !== "null") ?? {}) : s;
  const items = own.type === "array" ? resolve((own.items as Json) ?? {}) : null;
  const notes: string[] = [];
  const enumeration = (own.enum ?? items?.enum) as string[] | undefined;
  if (enumeration) notes.push(`one of ${enumeration.map((v) => `"${v}"`).join(", ")}`);
  if (typeof own.minLength === "number" || typeof own.maxLength === "number") {
    notes.push(`${own.minLength ?? 0}–${own.maxLength ?? "∞"} characters`);
  }
  if (typeof own.minItems === "number" || typeof own.maxItems === "number") notes.push(`${own.minItems ?? 0}–${own.maxItems ?? "∞"} items`);
  if (typeof own.minimum === "number" || (typeof own.maximum === "number" && own.maximum < Number.MAX_SAFE_INTEGER)) {
    notes.push(`from ${own.minimum ?? "−∞"}${typeof own.maximum === "number" && own.maximum < Number.MAX_SAFE_INTEGER ? ` to ${own.maximum}` : ""}`);
  }
  if (own.default !== undefined) notes.push(`default ${JSON.stringify(own.default)}`);
  return notes;
}

function fieldsOf(schema: Json, resolve: (s: Json) => Json, depth = 0): Field[] {
  const top = resolve(schema);
  // A list answer: the fields of one element.
  const s = top.type === "array" ? resolve((top.items as Json) ?? {}) : top;
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, prop]) => {
    const t = describeType(prop, resolve);
    const resolved = resolve(prop);
    const description = (resolved.description ?? (((resolved.anyOf as Json[] | undefined) ?? []).map(resolve).find((u) => u.description)?.description)) as string | undefined;
    return {
      name,
      type: t.nullable ? `${t.type} or null` : t.type,
      required: required.has(name),
      notes: notesOf(prop, resolve),
      description,
      children: t.inner && depth < 2 ? fieldsOf(t.inner, resolve, depth + 1) : undefined,
    };
  });
}

/** Every operation of the Workspace API, in the document's order, ready to render. */
export function workspaceApiReference(baseUrl: string) {
  const doc = openApiDocument(baseUrl);
  const resolve = resolver(doc.components.schemas as Record<string, Json>);
  const operations: ReferenceOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Json;
      const params = (op.parameters as Json[]).map((p) => {
        const t = describeType((p.schema as Json) ?? {}, resolve);
        return {
          name: `${p.name as string}`,
          type: `${p.in as string} · ${t.type}`,
          required: Boolean(p.required),
          notes: notesOf((p.schema as Json) ?? {}, resolve),
          description: p.description as string | undefined,
        } satisfies Field;
      });
      const bodySchema = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as Json | undefined;
      const responses = op.responses as Record<string, Json>;
      const [okStatus, ok] = Object.entries(responses).find(([status]) => status.startsWith("2"))!;
      const okSchema = ((ok.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema as Json | undefined;
      operations.push({
        id: `${method}-${path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary as string,
        description: op.description as string | undefined,
        parameters: params,
        body: bodySchema ? fieldsOf(bodySchema.schema as Json, resolve) : undefined,
        success: { status: okStatus, description: ok.description as string, fields: okSchema ? fieldsOf(okSchema, resolve) : undefined },
        errors: Object.entries(responses)
          .filter(([status]) => !status.startsWith("2"))
          .map(([status, r]) => ({ status, description: r.description as string })),
      });
    }
  }
  return { title: doc.info.title, description: doc.info.description, baseUrl, operations };
}
