import { describe, expect, it } from "vitest";

import { OPERATIONS } from "@/lib/api/openapi";
import { workspaceApiReference } from "@/lib/api/reference";

describe("the API reference page's reading of the OpenAPI document", () => {
  const ref = workspaceApiReference("https://keys.example/api/v1");

  it("lists every operation of the API once, with an anchor of its own", () => {
    expect(ref.operations.map((o) => `${o.method} ${o.path}`)).toEqual(OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    expect(new Set(ref.operations.map((o) => o.id)).size).toBe(ref.operations.length);
  });

  it("reads a body schema as fields: required, types in words, nullable unions, enums and limits", () => {
    const create = ref.operations.find((o) => o.method === "POST" && o.path === "/app/tokens")!;
    const byName = Object.fromEntries(create.body!.map((f) => [f.name, f]));
    expect(byName.name).toMatchObject({ type: "string", required: true, notes: ["1–64 characters"] });
    expect(byName.permissions.type).toBe("array of string");
    expect(byName.permissions.notes[0]).toContain('"projects:read"');
    expect(byName.project_id).toMatchObject({ type: "string or null", required: false });
    expect(byName.expires_at).toMatchObject({ type: "string (date-time) or null", description: expect.stringMatching(/^Omit or null for a token that never expires \(unless the organization.s token policy requires an expiry date/) });
  });

  it("reads parameters, the answer and the errors", () => {
    const list = ref.operations.find((o) => o.method === "GET" && o.path === "/app/tokens")!;
    expect(list.parameters.map((p) => p.name)).toEqual(["x-org", "status", "page", "page_size"]);
    expect(list.parameters.find((p) => p.name === "page_size")?.notes).toEqual(["from 1 to 100", "default 25"]);
    expect(list.success.status).toBe("200");
    expect(list.errors.map((e) => e.status)).toContain("401");
    const me = ref.operations.find((o) => o.path === "/app/me")!;
    expect(me.success.fields?.find((f) => f.name === "created_by")?.children?.map((c) => c.name)).toEqual(["name", "email"]);
  });
});
