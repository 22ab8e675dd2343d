/**
 * A token's IP allowlist and rate limit (docs/contract.md §7) on the Workspace API,
 * through the route modules' handlers against the app's own db(). The client
 * address is the x-keysmith-client-ip header, as the app's server stamps it.
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute, project as projectRoute, projects as projectsRoute } from "@/lib/api/routes/workspace";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { TokenRules } from "@/lib/schemas/tokens";
import { regenerateToken, updateTokenRules, type ChangeMeta } from "@/lib/tokens/service";
import { flushUsage } from "@/lib/tokens/usage";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { issueWorkspaceToken, uniq } from "../support/fixtures";
import {
  eventually,
  expectApiError,
  idParams,
  noParams,
  rateHeadersOf,
  read,
  roomInThisMinute,
  rules,
  workspaceRequest,
  type WorkspaceRequest,
} from "../support/guard-rails";

describe.each(testDatabases)("token guard rails on the Workspace API on $name", ({ name }) => {
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

  async function issue(tokenRules?: TokenRules) {
    const { token, secret } = await issueWorkspaceToken(prisma, { meta, admin }, { label: "guarded", rules: tokenRules });
    return { id: token.id, name: token.name, secret, view: token };
  }

  /** The Workspace API as one caller sees it. */
  function api(secret: string, extra: WorkspaceRequest = {}) {
    const o = (more: WorkspaceRequest = {}) => ({ token: secret, org: org.slug, ...extra, ...more });
    return {
      me: async (more?: WorkspaceRequest) => read(await meRoute.GET(workspaceRequest("/app/me", o(more)), noParams)),
      listProjects: async () => read(await projectsRoute.GET(workspaceRequest("/app/projects", o()), noParams)),
      createProject: async (body: unknown) => read(await projectsRoute.POST(workspaceRequest("/app/projects", o({ body })), noParams)),
      getProject: async (id: string) => read(await projectRoute.GET(workspaceRequest(`/app/projects/${id}`, o()), idParams(id))),
    };
  }

  async function usageOf(tokenId: string) {
    await flushUsage();
    const row = await prisma.token.findUniqueOrThrow({ where: { id: tokenId }, select: { usageCount: true, lastUsedIp: true } });
    return { usageCount: Number(row.usageCount), lastUsedIp: row.lastUsedIp };
  }

  const denials = (tokenId: string, ip?: string) =>
    prisma.auditEvent.findMany({ where: { orgId: org.id, action: "token.ip_denied", targetId: tokenId, ...(ip ? { ip } : {}) } });

  describe("IP allowlist", () => {
    it("stores the normalized rules on the token", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8\n2001:DB8::/32, 10.0.0.0/8" }));
      expect(t.view.ipAllowlist).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
      expect((await prisma.token.findUniqueOrThrow({ where: { id: t.id } })).ipAllowlist).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    });

    it("admits addresses within an IPv4 range and refuses others with 403 naming the caller's address, not the list", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));

      const allowed = await api(t.secret, { ip: "10.255.1.2" }).me();
      expect(allowed.status, allowed.text).toBe(200);
      expect(allowed.json).toMatchObject({ id: t.id });

      const denied = await api(t.secret, { ip: "11.0.0.1" }).me();
      const message = expectApiError(denied, 403, "permission_error");
      expect(message).toContain("11.0.0.1");
      expect(message).not.toContain("10.0.0.0/8");
      // Every route behind the token is guarded alike.
      expectApiError(await api(t.secret, { ip: "11.0.0.1" }).listProjects(), 403, "permission_error", /IP allowlist does not include 11\.0\.0\.1/);
      expect((await api(t.secret, { ip: "10.0.0.1" }).listProjects()).status).toBe(200);
    });

    it("admits addresses within an IPv6 range and a single IPv6 address, and refuses others", async () => {
      const t = await issue(rules({ ipAllowlist: "2001:db8::/32, 2001:db9::7" }));

      for (const ip of ["2001:db8::1", "2001:db8:ffff::1", "2001:DB8:0:0:0:0:0:2", "2001:db9::7"]) {
        const r = await api(t.secret, { ip }).me();
        expect(r.status, `${ip}: ${r.text}`).toBe(200);
      }
      for (const ip of ["2001:db9::1", "2001:db7::1", "10.0.0.1"]) {
        const message = expectApiError(await api(t.secret, { ip }).me(), 403, "permission_error");
        expect(message, ip).not.toContain("2001:db8::/32");
        expect(message, ip).toContain(ip);
      }
    });

    it("refuses a caller whose address is unknown", async () => {
      const t = await issue(rules({ ipAllowlist: "0.0.0.0/0" }));
      expectApiError(await api(t.secret).me(), 403, "permission_error", /does not include the caller's address/);
      expectApiError(await api(t.secret, { ip: "not-an-ip" }).me(), 403, "permission_error");
      expect((await api(t.secret, { ip: "192.0.2.1" }).me()).status).toBe(200);
    });

    it("lets a token without an allowlist through from anywhere, or from nowhere known", async () => {
      const t = await issue(rules());
      expect(t.view.ipAllowlist).toEqual([]);
      for (const ip of ["10.0.0.1", "2001:db8::1", undefined]) expect((await api(t.secret, { ip }).me()).status, String(ip)).toBe(200);
    });

    it("checks the allowlist before anything else a route does, but after authentication and the org", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));
      // A bad token is still the uniform 401, and a wrong org still a 400/403 about the org.
      const badChecksum = t.secret.slice(0, -1) + (t.secret.endsWith("A") ? "B" : "A");
      expectApiError(await api(badChecksum, { ip: "11.0.0.1" }).me(), 401, "authentication_error");
      expectApiError(await api(t.secret, { ip: "11.0.0.1", org: "" }).me(), 400, "invalid_request_error", /x-org/);
      // A write the token may not do is refused for the address first.
      expectApiError(await api(t.secret, { ip: "11.0.0.1" }).createProject({ name: `p-${uniq()}` }), 403, "permission_error", /allowlist/);
      expect(await prisma.project.count({ where: { orgId: org.id } })).toBe(0);
    });

    it("records a denial in the audit log: once per token and address per minute", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));
      const caller = api(t.secret, { ip: "11.0.0.1" });

      expect((await caller.me()).status).toBe(403);
      // The entry is written without holding up the (refused) call: wait for it.
      const written = await eventually(async () => {
        const rows = await denials(t.id);
        return rows.length ? rows : null;
      });
      expect(written, "a token.ip_denied audit entry").not.toBeNull();
      const first = written![0];
      expect(first).toMatchObject({
        actorType: "token",
        actorId: t.id,
        actorLabel: t.name,
        targetType: "token",
        targetId: t.id,
        targetLabel: t.name,
        ip: "11.0.0.1",
        userAgent: "vitest",
      });
      expect(first.metadata).toEqual({ ip: "11.0.0.1", allowlist: ["10.0.0.0/8"] });

      // A second denial from the same address within the minute adds nothing...
      expect((await caller.me()).status).toBe(403);
      // ...while another address gets its own entry; once that is written, the first address's count is final.
      expect((await api(t.secret, { ip: "12.0.0.1" }).me()).status).toBe(403);
      expect(await eventually(async () => (await denials(t.id, "12.0.0.1")).length === 1)).toBe(true);
      await delay(100);
      expect(await denials(t.id, "11.0.0.1")).toHaveLength(1);
      expect(await denials(t.id)).toHaveLength(2);
    });

    it("does not count denied calls as usage", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));
      for (let i = 0; i < 3; i++) expect((await api(t.secret, { ip: "11.0.0.1" }).me()).status).toBe(403);
      expect(await usageOf(t.id)).toEqual({ usageCount: 0, lastUsedIp: null });

      expect((await api(t.secret, { ip: "10.9.8.7" }).me()).status).toBe(200);
      expect(await usageOf(t.id)).toEqual({ usageCount: 1, lastUsedIp: "10.9.8.7" });
    });

    it("applies a changed allowlist at once on this instance", async () => {
      const t = await issue();
      expect((await api(t.secret, { ip: "11.0.0.1" }).me()).status).toBe(200); // the principal is cached now

      const view = await updateTokenRules(prisma, meta, t.id, rules({ ipAllowlist: "10.0.0.0/8" }));
      expect(view.ipAllowlist).toEqual(["10.0.0.0/8"]);
      expectApiError(await api(t.secret, { ip: "11.0.0.1" }).me(), 403, "permission_error", /IP allowlist does not include 11\.0\.0\.1/);
      expect((await api(t.secret, { ip: "10.0.0.1" }).me()).status).toBe(200);

      await updateTokenRules(prisma, meta, t.id, rules());
      expect((await api(t.secret, { ip: "11.0.0.1" }).me()).status).toBe(200);
      expect(await prisma.auditEvent.count({ where: { targetId: t.id, action: "token.rules_updated" } })).toBe(2);
    });

    it("guards the previous secret during a rotation overlap too", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8" }));
      const rotated = await regenerateToken(prisma, meta, t.id, 3_600_000);
      for (const secret of [t.secret, rotated.secret]) {
        expect((await api(secret, { ip: "10.0.0.1" }).me()).status).toBe(200);
        expectApiError(await api(secret, { ip: "11.0.0.1" }).me(), 403, "permission_error");
      }
    });
  });

  describe("rate limit", () => {
    it("allows `limit` calls a minute with the remaining count, then 429 with retry-after", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 3 }));
      expect(t.view.rateLimitPerMinute).toBe(3);
      await roomInThisMinute();
      const caller = api(t.secret, { ip: "192.0.2.10" });

      const remaining: Array<string | null> = [];
      for (let i = 0; i < 3; i++) {
        const r = await caller.me();
        expect(r.status, r.text).toBe(200);
        const h = rateHeadersOf(r.headers);
        expect(h.limit).toBe("3");
        expect(Number(h.reset)).toBeGreaterThanOrEqual(1);
        expect(Number(h.reset)).toBeLessThanOrEqual(60);
        remaining.push(h.remaining);
      }
      expect(remaining).toEqual(["2", "1", "0"]);

      const limited = await caller.me();
      expectApiError(limited, 429, "rate_limit_error", "Rate limit of 3 requests per minute exceeded.");
      const h = rateHeadersOf(limited.headers);
      expect(h).toEqual({ limit: "3", remaining: "0", reset: expect.stringMatching(/^\d+$/) });
      const retryAfter = limited.headers.get("retry-after");
      expect(retryAfter).toBe(h.reset);
      // Until the end of this UTC minute.
      const toBoundary = Math.ceil((60_000 - (Date.now() % 60_000)) / 1000);
      expect(Math.abs(Number(retryAfter) - toBoundary)).toBeLessThanOrEqual(1);

      // Refused calls do not count as usage; the three that went through do.
      expect((await usageOf(t.id)).usageCount).toBe(3);
    });

    it("sends the rate headers on the handler's errors too, and counts those calls", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 10 }));
      await roomInThisMinute();
      const caller = api(t.secret, { ip: "192.0.2.10" });

      const forbidden = await caller.createProject({ name: `p-${uniq()}` }); // lacks projects:write
      expectApiError(forbidden, 403, "permission_error", /projects:write/);
      expect(rateHeadersOf(forbidden.headers)).toMatchObject({ limit: "10", remaining: "9" });

      const missing = await caller.getProject("no-such-project");
      expectApiError(missing, 404, "not_found_error");
      expect(rateHeadersOf(missing.headers)).toMatchObject({ limit: "10", remaining: "8" });

      const ok = await caller.listProjects();
      expect(ok.status).toBe(200);
      expect(rateHeadersOf(ok.headers)).toMatchObject({ limit: "10", remaining: "7" });
    });

    it("sends no rate headers for a token without a limit", async () => {
      const t = await issue();
      const r = await api(t.secret).me();
      expect(r.status).toBe(200);
      expect(rateHeadersOf(r.headers)).toEqual({ limit: null, remaining: null, reset: null });
      expect(r.headers.get("retry-after")).toBeNull();
    });

    it("counts per token, not per caller", async () => {
      const a = await issue(rules({ rateLimitPerMinute: 1 }));
      const b = await issue(rules({ rateLimitPerMinute: 1 }));
      await roomInThisMinute();
      expect((await api(a.secret, { ip: "192.0.2.1" }).me()).status).toBe(200);
      expect((await api(a.secret, { ip: "192.0.2.2" }).me()).status).toBe(429);
      expect((await api(b.secret, { ip: "192.0.2.1" }).me()).status).toBe(200);
    });

    it("is exact under concurrency: 20 parallel calls with a limit of 5 let exactly 5 through", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 5 }));
      await roomInThisMinute();
      const results = await Promise.all(Array.from({ length: 20 }, () => api(t.secret).me()));
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      expect(results.filter((r) => r.status === 429)).toHaveLength(15);
      expect(results.filter((r) => r.status === 200).map((r) => r.headers.get("x-ratelimit-remaining")).sort()).toEqual(["0", "1", "2", "3", "4"]);
    });

    it("shares one window between the current and the previous secret during an overlap", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 2 }));
      const rotated = await regenerateToken(prisma, meta, t.id, 3_600_000);
      await roomInThisMinute();
      expect(rateHeadersOf((await api(t.secret).me()).headers).remaining).toBe("1");
      expect(rateHeadersOf((await api(rotated.secret).me()).headers).remaining).toBe("0");
      expect((await api(t.secret).me()).status).toBe(429);
      expect((await api(rotated.secret).me()).status).toBe(429);
    });

    it("does not spend the limit on calls refused by the allowlist, and shows the window on those refusals", async () => {
      const t = await issue(rules({ ipAllowlist: "10.0.0.0/8", rateLimitPerMinute: 1 }));
      await roomInThisMinute();
      for (let i = 0; i < 3; i++) {
        const refused = await api(t.secret, { ip: "11.0.0.1" }).me();
        expect(refused.status).toBe(403);
        expect(rateHeadersOf(refused.headers)).toMatchObject({ limit: "1", remaining: "1" });
      }
      const r = await api(t.secret, { ip: "10.0.0.1" }).me();
      expect(r.status, r.text).toBe(200);
      expect(rateHeadersOf(r.headers).remaining).toBe("0");
    });

    it("shows the window, unspent, on a refusal about the org", async () => {
      const t = await issue(rules({ rateLimitPerMinute: 5 }));
      await roomInThisMinute();
      const wrongOrg = await api(t.secret, { org: `elsewhere-${uniq()}` }).me();
      expect(wrongOrg.status).toBe(403);
      expect(rateHeadersOf(wrongOrg.headers)).toMatchObject({ limit: "5", remaining: "5" });
      expect(rateHeadersOf((await api(t.secret).me()).headers)).toMatchObject({ limit: "5", remaining: "4" });
    });
  });
});
