/**
 * The Workspace API (`/api/v1/app/*`, docs/contract.md §4), exercised in-process through the
 * route modules' exported handlers against the app's own `db()`. One test file
 * per database kind calls workspaceApiSuite(kind): `db()` is cached per process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute, members as membersRoute, project as projectRoute, projects as projectsRoute, token as tokenRoute, tokens as tokensRoute } from "@/lib/api/routes/workspace";
import { UNAUTHENTICATED } from "@/lib/api/responses";
import { memberList, meResponse, project as projectSchema, tokenMetadata } from "@/lib/schemas/workspace-api";
import type { ApiPermission } from "@/lib/authz";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { changeRole } from "@/lib/members/service";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { displayParts, generateToken, hashToken, maskToken, parseToken } from "@/lib/tokens/format";
import { issueToken, regenerateToken, revokeToken, setTokenActive } from "@/lib/tokens/service";
import { flushUsage } from "@/lib/tokens/usage";
import { API_ROUTES } from "@/lib/data-plane/routes";

import { openAppDb, type AppDb } from "./app-db";
import { startRouteServer } from "./route-server";
import type { TestDatabaseKind } from "./databases";
import { actorFor, addMember, createOrgWithAdmin, uniq } from "./fixtures";

type Json = Record<string, unknown>;
type User = { id: string; email: string; name: string };
type Org = { id: string; slug: string };

const ALL: ApiPermission[] = ["projects:read", "projects:write", "tokens:read", "tokens:create", "tokens:delete", "members:read"];
const ERROR_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
} as const;
const CLIENT_IP = "203.0.113.9";

// --- Requests --------------------------------------------------------------------

interface CallOptions {
  token?: string | null;
  org?: string | null;
  body?: unknown;
  rawBody?: string;
  ip?: string;
  authorization?: string;
}

function request(method: string, path: string, opts: CallOptions): Request {
  const headers = new Headers({ "user-agent": "vitest" });
  if (opts.authorization) headers.set("authorization", opts.authorization);
  else if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.org) headers.set("x-org", opts.org);
  if (opts.ip) headers.set("x-keysmith-client-ip", opts.ip);
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://test/api/v1${path}`, { method, headers, body });
}

const noParams = {};
const idParams = (id: string) => ({ id });

/** The Workspace API as one caller (token + x-org) sees it. */
function client(token: string | null, org: string | null, extra: CallOptions = {}) {
  const o = (more: CallOptions = {}): CallOptions => ({ token, org, ...extra, ...more });
  return {
    me: (more?: CallOptions) => meRoute.GET(request("GET", "/app/me", o(more)), noParams),
    listProjects: () => projectsRoute.GET(request("GET", "/app/projects", o()), noParams),
    createProject: (body: unknown) => projectsRoute.POST(request("POST", "/app/projects", o({ body })), noParams),
    createProjectRaw: (rawBody: string) => projectsRoute.POST(request("POST", "/app/projects", o({ rawBody })), noParams),
    getProject: (id: string) => projectRoute.GET(request("GET", `/app/projects/${id}`, o()), idParams(id)),
    renameProject: (id: string, body: unknown) => projectRoute.PATCH(request("PATCH", `/app/projects/${id}`, o({ body })), idParams(id)),
    deleteProject: (id: string) => projectRoute.DELETE(request("DELETE", `/app/projects/${id}`, o()), idParams(id)),
    listTokens: (query = "") => tokensRoute.GET(request("GET", `/app/tokens${query}`, o()), noParams),
    createToken: (body: unknown) => tokensRoute.POST(request("POST", "/app/tokens", o({ body })), noParams),
    revokeToken: (id: string) => tokenRoute.DELETE(request("DELETE", `/app/tokens/${id}`, o()), idParams(id)),
    members: () => membersRoute.GET(request("GET", "/app/members", o()), noParams),
  };
}

// --- Responses -------------------------------------------------------------------

async function expectOk<T = Json>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

/** Asserts the one error shape of every API and returns its message. */
async function expectError(response: Response, status: keyof typeof ERROR_TYPES, message?: string | RegExp, label?: string): Promise<string> {
  const text = await response.text();
  expect(response.status, `${label ?? ""} ${text}`).toBe(status);
  expect(response.headers.get("content-type"), label).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { message: string } };
  expect(body, label).toEqual({ type: "error", error: { type: ERROR_TYPES[status], message: expect.any(String) } });
  if (message !== undefined) expect(body.error.message, label).toMatch(message);
  return body.error.message;
}

// --- The suite -------------------------------------------------------------------

export function workspaceApiSuite(kind: TestDatabaseKind, options: { skip?: boolean } = {}) {
  describe.skipIf(Boolean(options.skip))(`Workspace API on ${kind}`, () => {
    let appDb: AppDb;
    let prisma: PrismaClient;
    let org: Org;
    let admin: User;
    let developer: User;
    let otherOrg: Org;

    beforeAll(async () => {
      appDb = await openAppDb(kind);
      prisma = appDb.prisma;
      const a = await createOrgWithAdmin(prisma);
      org = a.org;
      admin = a.admin;
      developer = (await addMember(prisma, org.id, "DEVELOPER")).user;
      otherOrg = (await createOrgWithAdmin(prisma)).org;
    });

    afterAll(async () => {
      // Usage is tallied in memory and written in batches: write it before the database goes away.
      await flushUsage();
      await appDb?.close();
    });

    function meta(user: User, orgId = org.id) {
      return { orgId, actor: actorFor(user) };
    }

    async function issue(
      user: User,
      opts: { kind?: TokenKind; permissions?: ApiPermission[]; projectId?: string; gatewayId?: string; role?: Role; name?: string; orgId?: string } = {},
    ) {
      const tokenKind = opts.kind ?? "WORKSPACE";
      const { token, secret } = await issueToken(prisma, meta(user, opts.orgId), {
        kind: tokenKind,
        name: opts.name ?? `${tokenKind.toLowerCase()}-${uniq()}`,
        expiresAt: null,
        permissions: tokenKind === "WORKSPACE" ? (opts.permissions ?? ALL) : [],
        projectId: opts.projectId ?? null,
        gatewayId: opts.gatewayId ?? null,
        role: opts.role ?? null,
        createdById: user.id,
      });
      return { id: token.id, name: token.name, secret };
    }

    /** The token's stored usage, after writing out the in-memory tally (lib/tokens/usage.ts). */
    async function usageOf(tokenId: string) {
      await flushUsage();
      const row = await prisma.token.findUniqueOrThrow({ where: { id: tokenId }, select: { usageCount: true, lastUsedAt: true, lastUsedIp: true } });
      return { ...row, usageCount: Number(row.usageCount) };
    }

    async function newProject(name = `p-${uniq()}`, orgId = org.id) {
      return prisma.project.create({ data: { orgId, name } });
    }

    describe("GET /app/me", () => {
      it("describes a workspace token", async () => {
        const t = await issue(admin, { permissions: ["projects:read", "members:read"] });
        const me = await expectOk(await client(t.secret, org.slug).me());

        expect(meResponse.parse(me)).toEqual(me);
        expect(me).toEqual({
          id: t.id,
          org_id: org.id,
          org_slug: org.slug,
          kind: "workspace",
          name: t.name,
          permissions: ["projects:read", "members:read"],
          project_id: null,
          created_at: expect.any(String),
          created_by: { name: admin.name, email: admin.email },
          expires_at: null,
          secret_expires_at: null,
        });
      });

      it("describes a gateway token", async () => {
        const gateway = await prisma.gateway.create({
          data: { orgId: org.id, name: "Echo", slug: `echo-${uniq()}`, upstreamType: "ECHO", models: ["echo-1"] },
        });
        const t = await issue(developer, { kind: "GATEWAY", gatewayId: gateway.id });
        expect(t.secret.startsWith("ksg_")).toBe(true);

        const me = await expectOk(await client(t.secret, org.slug).me());
        expect(me).toEqual({
          id: t.id,
          org_id: org.id,
          org_slug: org.slug,
          kind: "gateway",
          name: t.name,
          gateway_id: gateway.id,
          created_at: expect.any(String),
          created_by: { name: developer.name, email: developer.email },
          expires_at: null,
          secret_expires_at: null,
        });
      });

      it("describes an organization token with its role", async () => {
        const t = await issue(admin, { kind: "ORGANIZATION", role: "ADMIN" });
        expect(t.secret.startsWith("kso_")).toBe(true);

        const me = await expectOk(await client(t.secret, org.slug).me());
        expect(me).toEqual({
          id: t.id,
          org_id: org.id,
          org_slug: org.slug,
          kind: "organization",
          name: t.name,
          role: "ADMIN",
          created_at: expect.any(String),
          created_by: { name: admin.name, email: admin.email },
          expires_at: null,
          secret_expires_at: null,
        });
      });
    });

    describe("authentication", () => {
      it("answers every kind of authentication failure with 401 and the same message", async () => {
        const working = await issue(admin);
        const expired = await issue(admin);
        await prisma.token.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
        const inactive = await issue(admin);
        await setTokenActive(prisma, meta(admin), inactive.id, false);
        const revoked = await issue(admin);
        await revokeToken(prisma, meta(admin), revoked.id);
        const regenerated = await issue(admin);
        const { secret: regeneratedSecret } = await regenerateToken(prisma, meta(admin), regenerated.id);
        const leaver = (await addMember(prisma, org.id, "DEVELOPER")).user;
        const leaversToken = await issue(leaver);
        await prisma.membership.delete({ where: { userId_orgId: { userId: leaver.id, orgId: org.id } } });

        const last = working.secret.at(-1) === "A" ? "B" : "A";
        const cases: Array<[string, CallOptions]> = [
          ["no Authorization header", {}],
          ["not a bearer token", { authorization: `Basic ${Buffer.from(`x:${working.secret}`).toString("base64")}` }],
          ["empty bearer", { authorization: "Bearer " }],
          ["garbage", { token: "not-a-token" }],
          ["bad checksum", { token: working.secret.slice(0, -1) + last }],
          ["well-formed but unknown", { token: generateToken("WORKSPACE") }],
          ["expired", { token: expired.secret }],
          ["inactive", { token: inactive.secret }],
          ["revoked", { token: revoked.secret }],
          ["regenerated: the old secret", { token: regenerated.secret }],
          ["the member it acts for left the org", { token: leaversToken.secret }],
        ];

        const messages = new Set<string>();
        for (const [label, opts] of cases) {
          messages.add(await expectError(await client(null, org.slug).me(opts), 401, undefined, label));
        }
        // Another route answers the same way.
        messages.add(await expectError(await client(revoked.secret, org.slug).createProject({ name: "x" }), 401));
        expect([...messages]).toEqual([UNAUTHENTICATED]);

        // Failed authentications count for nothing.
        for (const t of [working, expired, inactive, revoked, regenerated]) expect((await usageOf(t.id)).usageCount).toBe(0);
        // The controls: the same org and route work with valid secrets.
        await expectOk(await client(working.secret, org.slug).me());
        await expectOk(await client(regeneratedSecret, org.slug).me());
      });

      it("requires x-org (400) naming the token's own org (403)", async () => {
        const t = await issue(admin);
        await expectError(await client(t.secret, null).me(), 400, "x-org");
        await expectError(await client(t.secret, null).listProjects(), 400, "x-org");
        await expectError(await client(t.secret, otherOrg.slug).me(), 403);
        await expectError(await client(t.secret, otherOrg.slug).listProjects(), 403);
        await expectError(await client(t.secret, "no-such-org").me(), 403);
        await expectOk(await client(t.secret, org.slug).listProjects());
      });

      it("refuses a gateway token on everything but /me (403)", async () => {
        const gateway = await prisma.gateway.create({
          data: { orgId: org.id, name: "Echo", slug: `echo-${uniq()}`, upstreamType: "ECHO", models: ["echo-1"] },
        });
        const t = await issue(admin, { kind: "GATEWAY", gatewayId: gateway.id });
        await expectError(await client(t.secret, org.slug).listProjects(), 403);
        await expectError(await client(t.secret, org.slug).members(), 403);
      });
    });

    describe("permissions", () => {
      it("refuses an operation the token lacks the permission for (403) and allows what it has", async () => {
        const t = await issue(admin, { permissions: ["projects:read"] });
        const api = client(t.secret, org.slug);
        await expectError(await api.createProject({ name: `p-${uniq()}` }), 403, "projects:write");
        await expectError(await api.listTokens(), 403, "tokens:read");
        await expectError(await api.members(), 403, "members:read");
        await expectOk(await api.listProjects());
      });

      it("narrows a member's token at once when the member is demoted", async () => {
        const { user: dev, membership } = await addMember(prisma, org.id, "DEVELOPER");
        const t = await issue(dev, { permissions: ["projects:read", "projects:write"] });
        const api = client(t.secret, org.slug);
        await expectOk(await api.createProject({ name: `before-${uniq()}` }), 201);

        await changeRole(prisma, meta(admin), membership.id, "VIEWER");

        await expectError(await api.createProject({ name: `after-${uniq()}` }), 403, "projects:write");
        await expectOk(await api.listProjects());
        expect(await expectOk(await api.me())).toMatchObject({ permissions: ["projects:read"] });
      });
    });

    describe("projects", () => {
      it("creates, reads, renames and deletes a project", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const name = `Website ${uniq()}`;

        const created = await expectOk(await api.createProject({ name: `  ${name}  ` }), 201);
        expect(projectSchema.parse(created)).toEqual(created);
        expect(created).toMatchObject({ name });
        const id = created.id as string;
        expect(await prisma.project.findUnique({ where: { id } })).toMatchObject({ orgId: org.id, name });

        await expectError(await api.createProject({ name }), 409);
        expect(await expectOk(await api.getProject(id))).toEqual(created);
        const list = await expectOk<{ data: Json[] }>(await api.listProjects());
        expect(list.data).toContainEqual(created);

        const renamed = await expectOk(await api.renameProject(id, { name: `${name} (new)` }));
        expect(renamed).toMatchObject({ id, name: `${name} (new)` });

        const deleted = await api.deleteProject(id);
        expect(deleted.status).toBe(204);
        expect(await deleted.text()).toBe("");

        await expectError(await api.getProject(id), 404);
        await expectError(await api.renameProject(id, { name: "again" }), 404);
        await expectError(await api.deleteProject(id), 404);
        expect(await prisma.project.findUnique({ where: { id } })).toBeNull();
      });

      it("refuses a rename to a name in use (409)", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const a = await newProject();
        const b = await newProject();
        await expectError(await api.renameProject(b.id, { name: a.name }), 409);
      });

      it("never shows or changes another org's project (404)", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const theirs = await newProject(`theirs-${uniq()}`, otherOrg.id);
        await expectError(await api.getProject(theirs.id), 404);
        await expectError(await api.renameProject(theirs.id, { name: "pwned" }), 404);
        await expectError(await api.deleteProject(theirs.id), 404);
        const list = await expectOk<{ data: Json[] }>(await api.listProjects());
        expect(list.data.map((p) => p.id)).not.toContain(theirs.id);
        expect((await prisma.project.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe(theirs.name);
      });

      it("limits a project-scoped token to its project, and revokes it with the project", async () => {
        const mine = await newProject();
        const other = await newProject();
        const t = await issue(admin, { projectId: mine.id });
        const api = client(t.secret, org.slug);

        const list = await expectOk<{ data: Json[] }>(await api.listProjects());
        expect(list.data.map((p) => p.id)).toEqual([mine.id]);
        await expectOk(await api.getProject(mine.id));
        await expectError(await api.getProject(other.id), 404);
        await expectError(await api.renameProject(other.id, { name: `x-${uniq()}` }), 404);
        await expectError(await api.deleteProject(other.id), 404);
        await expectError(await api.createProject({ name: `new-${uniq()}` }), 403);
        expect(await prisma.project.findUnique({ where: { id: other.id } })).not.toBeNull();

        // Deleting the project revokes the tokens limited to it: they must not widen to the whole org.
        const admins = client((await issue(admin)).secret, org.slug);
        expect((await admins.deleteProject(mine.id)).status).toBe(204);
        await expectError(await api.me(), 401);
      });

      it("validates the body: JSON (400), field limits naming the field (400), no unknown fields (400)", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const before = await prisma.project.count({ where: { orgId: org.id } });

        await expectError(await api.createProjectRaw("{not json"), 400, "valid JSON");
        await expectError(await api.createProjectRaw(""), 400, "valid JSON");
        await expectError(await api.createProject({ name: "x".repeat(65) }), 400, /"name".*64/);
        await expectError(await api.createProject({ name: "   " }), 400, '"name"');
        await expectError(await api.createProject({}), 400, '"name"');
        await expectError(await api.createProject({ name: 42 }), 400, '"name"');
        await expectError(await api.createProject(["name"]), 400);
        await expectError(await api.createProject({ name: `ok-${uniq()}`, color: "red" }), 400, "color");
        const project = await newProject();
        await expectError(await api.renameProject(project.id, { name: "y".repeat(65) }), 400, '"name"');
        await expectError(await api.renameProject(project.id, { name: "fine", id: "other" }), 400, '"id"');

        expect(await prisma.project.count({ where: { orgId: org.id } })).toBe(before + 1);
        await expectOk(await api.createProject({ name: `${uniq()}${"z".repeat(54)}` }), 201); // exactly 64 characters
      });
    });

    describe("tokens", () => {
      it("lists token metadata and never a secret or a hash", async () => {
        const own = await issue(admin);
        const others = [await issue(developer), await issue(admin, { permissions: ["projects:read"] })];
        const listed = await client(own.secret, org.slug).listTokens("?page_size=100");
        const text = await listed.clone().text();
        const body = await expectOk<{ data: Json[]; total: number; page: number; page_count: number }>(listed);

        expect(body.data.length).toBeGreaterThanOrEqual(3);
        for (const item of body.data) expect(tokenMetadata.strict().parse(item)).toEqual(item);
        for (const t of [own, ...others]) {
          const item = body.data.find((i) => i.id === t.id);
          expect(item).toMatchObject({ name: t.name, masked: maskToken(displayParts(t.secret).prefix, displayParts(t.secret).last4) });
          expect(text).not.toContain(t.secret);
          expect(text).not.toContain(t.secret.slice(8, 36));
        }
        const hashes = await prisma.token.findMany({ where: { orgId: org.id }, select: { hash: true } });
        for (const { hash } of hashes) expect(text).not.toContain(hash);
        expect(text).not.toMatch(/"(hash|secret|token)"\s*:/);
      });

      it("validates list query parameters (400 naming the parameter)", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        await expectError(await api.listTokens("?status=BOGUS"), 400, '"status"');
        await expectError(await api.listTokens("?page_size=1000"), 400, '"page_size"');
        await expectOk(await api.listTokens("?status=ACTIVE&page=1&page_size=5"));
      });

      it("creates a token, returning its secret once; the secret works and only its hash is stored", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const name = `ci-${uniq()}`;
        const response = await api.createToken({ name, permissions: ["projects:read", "members:read"] });
        expect(response.headers.get("cache-control")).toContain("no-store");
        const created = await expectOk<Json & { token: string; id: string }>(response, 201);

        expect(parseToken(created.token)).toBe("WORKSPACE");
        expect(created).toMatchObject({
          name,
          permissions: ["projects:read", "members:read"],
          project_id: null,
          status: "ACTIVE",
          masked: maskToken(displayParts(created.token).prefix, displayParts(created.token).last4),
          created_by: { name: admin.name, email: admin.email },
          expires_at: null,
          usage_count: 0,
        });
        const row = await prisma.token.findUniqueOrThrow({ where: { id: created.id } });
        expect(row.hash).toBe(hashToken(created.token));

        const me = await expectOk(await client(created.token, org.slug).me());
        expect(me).toMatchObject({ id: created.id, name, permissions: ["projects:read", "members:read"] });

        // The list afterwards shows it, without the secret.
        const list = await api.listTokens("?page_size=100");
        const text = await list.clone().text();
        expect((await expectOk<{ data: Json[] }>(list)).data.map((t) => t.id)).toContain(created.id);
        expect(text).not.toContain(created.token);

        await expectError(await api.createToken({ name, permissions: ["projects:read"] }), 409);
      });

      it("validates the token body", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        await expectError(await api.createToken({ name: `t-${uniq()}`, permissions: [] }), 400, '"permissions"');
        await expectError(await api.createToken({ name: `t-${uniq()}`, permissions: ["root"] }), 400, '"permissions');
        await expectError(await api.createToken({ name: "n".repeat(65), permissions: ["projects:read"] }), 400, '"name"');
        await expectError(await api.createToken({ name: `t-${uniq()}`, permissions: ["projects:read"], admin: true }), 400, "admin");
        await expectError(
          await api.createToken({ name: `t-${uniq()}`, permissions: ["projects:read"], expires_at: new Date(Date.now() - 60_000).toISOString() }),
          400,
          '"expires_at"',
        );
        await expectError(await api.createToken({ name: `t-${uniq()}`, permissions: ["projects:read"], project_id: "nope" }), 400);

        const expires = new Date(Date.now() + 86_400_000).toISOString();
        const created = await expectOk(await api.createToken({ name: `t-${uniq()}`, permissions: ["projects:read"], expires_at: expires }), 201);
        expect(created.expires_at).toBe(expires);
      });

      it("never lets a token create a token with permissions it lacks (403)", async () => {
        const t = await issue(admin, { permissions: ["tokens:create", "projects:read"] });
        const api = client(t.secret, org.slug);
        const name = `escalate-${uniq()}`;
        await expectError(await api.createToken({ name, permissions: ["projects:read", "projects:write"] }), 403, "projects:write");
        await expectError(await api.createToken({ name, permissions: ["tokens:delete"] }), 403, "tokens:delete");
        expect(await prisma.token.count({ where: { orgId: org.id, name } })).toBe(0);

        const ok = await expectOk(await api.createToken({ name, permissions: ["projects:read"] }), 201);
        expect(ok.permissions).toEqual(["projects:read"]);
      });

      it("lets an organization token create workspace tokens that belong to the org", async () => {
        const orgToken = await issue(admin, { kind: "ORGANIZATION", role: "DEVELOPER" });
        const created = await expectOk<Json & { token: string; id: string }>(
          await client(orgToken.secret, org.slug).createToken({ name: `bot-${uniq()}`, permissions: ["projects:read"] }),
          201,
        );
        expect(created.created_by).toBeNull();
        expect(await prisma.token.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ createdById: null, createdByTokenId: orgToken.id });
        expect(await expectOk(await client(created.token, org.slug).me())).toMatchObject({ permissions: ["projects:read"] });
      });

      it("revokes with DELETE; the revoked secret stops working", async () => {
        const api = client((await issue(admin)).secret, org.slug);
        const victim = await issue(developer);
        await expectOk(await client(victim.secret, org.slug).me());

        const revoked = await expectOk(await api.revokeToken(victim.id));
        expect(revoked).toMatchObject({ id: victim.id, status: "REVOKED" });
        await expectError(await client(victim.secret, org.slug).me(), 401);
        expect(await prisma.token.findUniqueOrThrow({ where: { id: victim.id } })).toMatchObject({ status: "REVOKED" });

        await expectError(await api.revokeToken("no-such-token"), 404);
        const theirs = await issue(admin, { orgId: otherOrg.id });
        await expectError(await api.revokeToken(theirs.id), 404);
        expect(await prisma.token.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ status: "ACTIVE" });
      });

      it("lets a developer's token revoke the developer's own tokens but not another member's (403)", async () => {
        const devApi = client((await issue(developer)).secret, org.slug);
        const adminsToken = await issue(admin);
        const devsOther = await issue(developer);

        await expectError(await devApi.revokeToken(adminsToken.id), 403);
        expect(await prisma.token.findUniqueOrThrow({ where: { id: adminsToken.id } })).toMatchObject({ status: "ACTIVE" });
        await expectOk(await client(adminsToken.secret, org.slug).me());

        expect(await expectOk(await devApi.revokeToken(devsOther.id))).toMatchObject({ status: "REVOKED" });
      });
    });

    describe("members", () => {
      it("lists the org's members with their roles", async () => {
        const body = await expectOk<{ data: Json[] }>(await client((await issue(admin)).secret, org.slug).members());
        expect(memberList.parse(body)).toEqual(body);
        expect(body.data).toContainEqual(expect.objectContaining({ email: admin.email, role: "ADMIN" }));
        expect(body.data).toContainEqual(expect.objectContaining({ email: developer.email, role: "DEVELOPER" }));
        // Internal user ids are nobody's business through the API (they name people in session cookies).
        expect(JSON.stringify(body)).not.toContain(admin.id);
        expect(JSON.stringify(body)).not.toContain(developer.id);
        const memberships = await prisma.membership.count({ where: { orgId: org.id } });
        expect(body.data).toHaveLength(memberships);
      });
    });

    describe("usage", () => {
      it("counts 200 concurrent successful calls exactly, with the last-used time and address", async () => {
        const t = await issue(admin);
        const api = client(t.secret, org.slug, { ip: CLIENT_IP });
        expect(await usageOf(t.id)).toEqual({ usageCount: 0, lastUsedAt: null, lastUsedIp: null });

        const started = Date.now();
        const calls = Array.from({ length: 200 }, (_, i) => [api.me, api.listProjects, api.members, () => api.listTokens()][i % 4]());
        const statuses = await Promise.all(calls.map(async (call) => (await call).status));
        const finished = Date.now();

        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        const usage = await usageOf(t.id);
        expect(usage.usageCount).toBe(200);
        const days = await prisma.tokenUsageBucket.findMany({ where: { tokenId: t.id, span: "DAY" } });
        expect(days.reduce((sum, d) => sum + Number(d.succeeded), 0)).toBe(200);
        const hours = await prisma.tokenUsageBucket.findMany({ where: { tokenId: t.id, span: "HOUR" } });
        expect(hours.reduce((sum, d) => sum + Number(d.succeeded), 0)).toBe(200);
        expect(usage.lastUsedIp).toBe(CLIENT_IP);
        expect(usage.lastUsedAt).not.toBeNull();
        // now() is the database's clock: allow a little skew.
        expect(usage.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(started - 5_000);
        expect(usage.lastUsedAt!.getTime()).toBeLessThanOrEqual(finished + 5_000);
      });

      it("does not count failed calls", async () => {
        const reader = await issue(admin, { permissions: ["projects:read"] });
        const writer = await issue(admin, { permissions: ["projects:read", "projects:write"] });
        const r = client(reader.secret, org.slug, { ip: CLIENT_IP });
        const w = client(writer.secret, org.slug, { ip: CLIENT_IP });

        await expectError(await r.createProject({ name: `p-${uniq()}` }), 403);
        await expectError(await r.members(), 403);
        await expectError(await r.getProject("no-such-project"), 404);
        await expectError(await client(reader.secret, null).me(), 400);
        await expectError(await client(reader.secret, otherOrg.slug).me(), 403);
        await expectError(await w.createProjectRaw("{"), 400);
        await expectError(await w.createProject({ name: "" }), 400);
        await expectError(await w.createProject({ name: `p-${uniq()}`, extra: 1 }), 400);
        const existing = await newProject();
        await expectError(await w.createProject({ name: existing.name }), 409);

        expect(await usageOf(reader.id)).toEqual({ usageCount: 0, lastUsedAt: null, lastUsedIp: null });
        expect(await usageOf(writer.id)).toEqual({ usageCount: 0, lastUsedAt: null, lastUsedIp: null });

        // The control: one successful call counts one.
        await expectOk(await r.listProjects());
        expect(await usageOf(reader.id)).toMatchObject({ usageCount: 1, lastUsedIp: CLIENT_IP });
      });
    });

    describe("unknown endpoints", () => {
      it("answers /api/v1/<anything else> with a JSON 404 for every method", async () => {
        const server = await startRouteServer(API_ROUTES);
        try {
          for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
            await expectError(await fetch(`${server.url}/api/v1/app/nothing-here`, { method }), 404, undefined, method);
          }
        } finally {
          await server.close();
        }
      });
    });
  });
}
