/**
 * The audit log as admins read and export it (lib/audit/log.ts, lib/audit/export.ts):
 * day filters in UTC, exports that read like the page, are safe to open in a
 * spreadsheet, and are themselves recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { auditExport, csvCell } from "@/lib/audit/export";
import { listAuditEvents } from "@/lib/audit/log";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createProject } from "@/lib/projects/service";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";

describe.each(testDatabases)("the audit log on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
    const project = await createProject(prisma, meta, "Website");
    await issueToken(prisma, meta, {
      kind: "WORKSPACE",
      name: '=HYPERLINK("http://evil.example","x")',
      permissions: ["projects:read"],
      projectId: project.id,
      expiresAt: null,
      createdById: admin.id,
      rules: { ipAllowlist: ["10.0.0.0/8"], rateLimitPerMinute: 60, allowedModels: [], monthlyTokenBudget: null },
    });
    // One entry on an earlier day, written as it would have been then.
    await prisma.auditEvent.create({
      data: { orgId: org.id, actorType: "user", actorId: admin.id, actorLabel: admin.email, action: "org.renamed", targetType: "org", targetId: org.id, targetLabel: "Old", createdAt: new Date("2026-01-15T23:59:59Z") },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("filters by UTC day, both ends included", async () => {
    const jan15 = await listAuditEvents(prisma, org.id, { from: "2026-01-15", to: "2026-01-15" });
    expect(jan15.items.map((e) => e.action)).toEqual(["org.renamed"]);
    expect((await listAuditEvents(prisma, org.id, { from: "2026-01-16", to: "2026-01-16" })).total).toBe(0);
    // A date that does not exist is no filter at all, not an error.
    expect((await listAuditEvents(prisma, org.id, { from: "2026-02-31" })).total).toBeGreaterThanOrEqual(3);
  });

  it("names the project a token was limited to, instead of its id", async () => {
    const created = (await listAuditEvents(prisma, org.id, { action: "token.created" })).items[0];
    const { names } = await listAuditEvents(prisma, org.id, { action: "token.created" });
    expect([...names.projects.values()]).toEqual(["Website"]);
    expect((created.metadata as { projectId: string }).projectId).toMatch(/^c/);
  });

  it("exports CSV that reads like the page and cannot run as a formula, and records the export", async () => {
    const file = await auditExport(prisma, meta, { action: "token.created" }, "csv");
    const [header, row, end] = file.body.split("\r\n");
    expect(header).toBe("time,actor_type,actor,action,target_type,target,details,ip,user_agent");
    expect(end).toBe("");
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(row).toContain("Project: Website");
    expect(row).toContain("Rate limit: 60 requests a minute");
    expect(row).not.toContain("[object Object]");

    const recorded = (await listAuditEvents(prisma, org.id, { action: "audit.exported" })).items[0];
    expect(recorded.actorLabel).toBe(admin.email);
    expect(recorded.metadata).toMatchObject({ format: "csv", entries: 1, action: "token.created" });
  });

  it("exports JSON with readable details and the raw metadata", async () => {
    const file = await auditExport(prisma, meta, { from: "2026-01-15", to: "2026-01-15" }, "json");
    const parsed = JSON.parse(file.body) as { entries: Array<{ action: string; target: { label: string } }>; truncated: boolean };
    expect(parsed.truncated).toBe(false);
    expect(parsed.entries.map((e) => [e.action, e.target.label])).toEqual([["org.renamed", "Old"]]);
  });

  it("quotes CSV cells only where needed", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvCell("-1")).toBe("'-1");
  });
});
