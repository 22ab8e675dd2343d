/**
 * Small leaks, on both databases: the audit actor filter treated % and _ as
 * wildcards; the IP-allowlist refusal listed the allowlist to the caller; the
 * console's token JSON carried the creator's user id (what a forged session
 * cookie needs), as did GET /app/members.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute } from "@/lib/api/routes/workspace";
import { listAuditEvents } from "@/lib/audit/log";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { NO_POLICY } from "@/lib/tokens/lifetime";
import { consoleToken } from "@/lib/tokens/console";
import { tokenView, type ChangeMeta } from "@/lib/tokens/service";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken, uniq } from "../support/fixtures";
import { noParams, read, rules, workspaceRequest } from "../support/guard-rails";

describe.each(testDatabases)("what the console and the API disclose, on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });
  afterAll(async () => {
    await app?.close();
  });

  it("filters the audit log by actor literally: % and _ match only themselves", async () => {
    const tag = uniq();
    for (const label of [`a_b-${tag}@x.test`, `axb-${tag}@x.test`, `100%-${tag}@x.test`, `100x-${tag}@x.test`]) {
      await prisma.auditEvent.create({
        data: { orgId: org.id, actorType: "user", actorId: "u", actorLabel: label, action: "org.renamed", targetType: "org" },
      });
    }
    const labels = async (actor: string) => (await listAuditEvents(prisma, org.id, { actor })).items.map((e) => e.actorLabel);
    expect(await labels(`a_b-${tag}`)).toEqual([`a_b-${tag}@x.test`]);
    expect(await labels(`100%-${tag}`)).toEqual([`100%-${tag}@x.test`]);
    expect(await labels("%")).toEqual([`100%-${tag}@x.test`]);
    expect(await labels(`\\`)).toEqual([]);
  });

  it("refuses a caller outside a token's IP allowlist naming the caller's address, never the list", async () => {
    const { secret } = await issueWorkspaceToken(prisma, { meta, admin }, { rules: rules({ ipAllowlist: "10.1.2.0/24, 192.0.2.7" }) });
    const r = await read(await meRoute.GET(workspaceRequest("/app/me", { token: secret, org: org.slug, ip: "198.51.100.9" }), noParams));
    expect(r.status).toBe(403);
    expect(r.text).toContain("198.51.100.9");
    expect(r.text).not.toContain("10.1.2.0");
    expect(r.text).not.toContain("192.0.2.7");
  });

  it("gives the browser no user ids in a token: who made it is a name and an e-mail", async () => {
    const { token } = await issueWorkspaceToken(prisma, { meta, admin });
    const view = (await tokenView(prisma, org.id, token.id))!;
    expect(view.createdById).toBe(admin.id);
    const shown = consoleToken({ role: "VIEWER", user: { id: "viewer", email: "v@x.test", name: "V" } }, view, NO_POLICY);
    expect(JSON.stringify(shown)).not.toContain(admin.id);
    expect(shown.createdBy).toMatchObject({ email: admin.email });
  });
});
