/**
 * Tokens created through the Workspace API by another token (lib/tokens/lineage.ts).
 * Before: a minted token kept working after its parent was revoked, and an
 * organization token's children got a role of their own. Now a minted token
 * never does more than its whole minting chain may do now, and revoking a token
 * revokes what it minted, transitively, each revocation audited.
 */
import { setTimeout as delay } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute, token as tokenRoute, tokens as tokensRoute } from "@/lib/api/routes/workspace";
import type { ApiPermission } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { changeRole } from "@/lib/members/service";
import { coveredAt, startChangeFeed, stopChangeFeed } from "@/lib/tokens/change-feed";
import { issueToken, liveMintedTokens, revokeToken, setTokenActive, type ChangeMeta } from "@/lib/tokens/service";
import { FRESH_MS } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { addMember, uniq } from "../support/fixtures";
import { idParams, noParams, read, workspaceRequest } from "../support/guard-rails";

const ALL: ApiPermission[] = ["projects:read", "projects:write", "tokens:read", "tokens:create", "tokens:delete", "members:read"];

describe.each(testDatabases)("tokens minted by tokens on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });
  afterEach(() => stopChangeFeed());
  afterAll(async () => {
    await app?.close();
  });

  async function issue(opts: { kind?: "WORKSPACE" | "ORGANIZATION"; permissions?: ApiPermission[]; role?: Role; by?: { id: string } } = {}) {
    const kind = opts.kind ?? "WORKSPACE";
    const { token, secret } = await issueToken(prisma, meta, {
      kind,
      name: `root-${uniq()}`,
      expiresAt: null,
      permissions: kind === "WORKSPACE" ? (opts.permissions ?? ALL) : [],
      role: opts.role ?? null,
      createdById: (opts.by ?? admin).id,
    });
    return { id: token.id, secret };
  }

  /** POST /app/tokens with `parent`'s secret. */
  async function mint(parent: { secret: string }, permissions: ApiPermission[]) {
    const r = await read(await tokensRoute.POST(workspaceRequest("/app/tokens", { token: parent.secret, org: org.slug, body: { name: `minted-${uniq()}`, permissions } }), noParams));
    expect(r.status, r.text).toBe(201);
    const body = r.json as { id: string; token: string };
    return { id: body.id, secret: body.token };
  }

  async function me(t: { secret: string }) {
    return read(await meRoute.GET(workspaceRequest("/app/me", { token: t.secret, org: org.slug }), noParams));
  }

  it("revoking a token revokes every token below it, each with its own audit entry, and they stop at once", async () => {
    const parent = await issue();
    const child = await mint(parent, ["tokens:create", "projects:read"]);
    const grandchild = await mint(child, ["projects:read"]);
    const sibling = await issue();
    for (const t of [child, grandchild]) expect((await me(t)).status).toBe(200); // now cached

    expect((await liveMintedTokens(prisma, org.id, parent.id)).map((t) => t.id).sort()).toEqual([child.id, grandchild.id].sort());
    const { minted } = await revokeToken(prisma, meta, parent.id);
    expect(minted.map((t) => t.id).sort()).toEqual([child.id, grandchild.id].sort());

    for (const t of [child, grandchild]) expect((await me(t)).status).toBe(401);
    const rows = await prisma.token.findMany({ where: { id: { in: [parent.id, child.id, grandchild.id, sibling.id] } } });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [parent.id]: "REVOKED",
      [child.id]: "REVOKED",
      [grandchild.id]: "REVOKED",
      [sibling.id]: "ACTIVE",
    });
    const audits = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: "token.revoked", targetId: { in: [parent.id, child.id, grandchild.id] } } });
    expect(audits).toHaveLength(3);
    const byTarget = Object.fromEntries(audits.map((a) => [a.targetId, a.metadata as Record<string, unknown>]));
    expect(byTarget[grandchild.id]).toMatchObject({ reason: "minted by a revoked token", mintedBy: { id: child.id } });
  });

  it("answers DELETE /app/tokens/{id} with the tokens revoked with it", async () => {
    const parent = await issue();
    const child = await mint(parent, ["projects:read"]);
    const caller = await issue({ permissions: ["tokens:delete"] });
    const r = await read(await tokenRoute.DELETE(workspaceRequest(`/app/tokens/${parent.id}`, { token: caller.secret, org: org.slug, method: "DELETE" }), idParams(parent.id)));
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ id: parent.id, status: "REVOKED", also_revoked: [{ id: child.id, name: expect.any(String), masked: expect.stringMatching(/^ksw_/) }] });
    expect((await me(child)).status).toBe(401);
  });

  it("a minted token pauses while any token above it is deactivated", async () => {
    const parent = await issue();
    const child = await mint(parent, ["tokens:create", "projects:read"]);
    const grandchild = await mint(child, ["projects:read"]);
    expect((await me(grandchild)).status).toBe(200);

    await setTokenActive(prisma, meta, parent.id, false);
    expect((await me(child)).status).toBe(401);
    expect((await me(grandchild)).status).toBe(401);

    await setTokenActive(prisma, meta, parent.id, true);
    expect((await me(grandchild)).status).toBe(200);
  });

  it("an organization token's children act with its role and within it, never with one of their own", async () => {
    const orgToken = await issue({ kind: "ORGANIZATION", role: "ADMIN" });
    const child = await mint(orgToken, ["projects:read", "projects:write", "members:read"]);
    expect((await me(child)).json).toMatchObject({ permissions: ["projects:read", "projects:write", "members:read"] });

    // The organization token's role narrows (a database edit; the console has no such action): its child narrows with it.
    await prisma.token.update({ where: { id: orgToken.id }, data: { role: "VIEWER" } });
    startChangeFeed(getDb);
    const deadline = Date.now() + 5 * FRESH_MS;
    let permissions: unknown;
    while (Date.now() < deadline) {
      permissions = ((await me(child)).json as { permissions?: unknown }).permissions;
      if (Array.isArray(permissions) && !permissions.includes("projects:write")) break;
      await delay(50);
    }
    expect(permissions).toEqual(["projects:read", "members:read"]);
  });

  it("a member's minted tokens narrow with the member's role, through the whole chain", async () => {
    const second = await addMember(prisma, org.id, "ADMIN");
    const parent = await issue({ by: second.user });
    const child = await mint(parent, ["tokens:create", "projects:read", "projects:write"]);
    const grandchild = await mint(child, ["projects:read", "projects:write"]);
    expect((await me(grandchild)).json).toMatchObject({ permissions: ["projects:read", "projects:write"] });

    await changeRole(prisma, meta, second.membership.id, "VIEWER");
    expect((await me(grandchild)).json).toMatchObject({ permissions: ["projects:read"] });
  });

  it("drops a cached minted token within 1 s when its parent is revoked in the database directly", async () => {
    const parent = await issue();
    const child = await mint(parent, ["projects:read"]);
    startChangeFeed(getDb);
    while (coveredAt() === 0) await delay(20);
    expect((await me(child)).status).toBe(200);

    // No local event: only the change feed can tell this process (the minted token's own row is untouched).
    await prisma.$executeRaw`UPDATE "Token" SET status = 'REVOKED' WHERE id = ${parent.id}`;
    const since = Date.now();
    while ((await me(child)).status === 200 && Date.now() - since < 3 * FRESH_MS) await delay(25);
    expect((await me(child)).status).toBe(401);
    expect(Date.now() - since).toBeLessThan(FRESH_MS + 500);
  });
});
