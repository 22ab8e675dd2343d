/**
 * Leak reports (issue 14, docs/secret-scanning.md): GitHub's secret scanning
 * partner protocol at POST /api/security/token-leaks on a real socket, signed
 * with a P-256 key pair made here; the org's revoke/flag policy, e-mails, audit
 * entries and webhook events; admins' reports through the Workspace API.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { API_ROUTES } from "@/lib/data-plane/routes";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { leakReportKey, resetLeakKeys } from "@/lib/leaks/keys";
import { setLeakPolicy } from "@/lib/leaks/policy";
import { generateToken, hashToken, maskToken } from "@/lib/tokens/format";
import { issueToken, regenerateToken, revokeToken } from "@/lib/tokens/service";
import { deliverDue } from "@/lib/webhooks/delivery";
import { createEndpoint } from "@/lib/webhooks/service";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { actorFor, addMember, createOrgWithAdmin, uniq } from "../support/fixtures";
import { makeSigningKey, match, postReport, serveKeys, signBody, signedReport, writeKeysFile, type SigningKey } from "../support/leak-reports";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

const ENCRYPTION_KEY = randomBytes(32).toString("base64");
type Feedback = Array<{ token_hash: string; token_type: string; label: string }>;

describe.each(testDatabases)("leak reports on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let server: RouteServer;
  let key: SigningKey;
  let keysFile: string;
  let receiver: WebhookReceiver | undefined;

  beforeAll(async () => {
    app = await openAppDb(name);
    prisma = app.prisma;
    server = await startRouteServer(API_ROUTES);
    key = makeSigningKey();
    keysFile = writeKeysFile([key, makeSigningKey()]);
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });
  beforeEach(() => {
    resetLeakKeys();
    vi.stubEnv("KEYSMITH_LEAK_KEYS_FILE", keysFile);
    vi.stubEnv("KEYSMITH_LEAK_KEYS_URL", "");
    vi.stubEnv("KEYSMITH_ENCRYPTION_KEY", ENCRYPTION_KEY);
    vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "127.0.0.1");
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await receiver?.close();
    receiver = undefined;
    await prisma.webhookEndpoint.deleteMany({});
  });

  /** An org whose admin, developer and tokens a report can name. */
  async function orgWithTokens(policy: "REVOKE" | "FLAG" = "REVOKE") {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    await setLeakPolicy(prisma, ctx, policy);
    const { user: developer } = await addMember(prisma, org.id, "DEVELOPER");
    const devMeta = { ...ctx, actor: actorFor(developer) };
    const ws = await issueToken(prisma, devMeta, { kind: "WORKSPACE", name: `ci-${uniq()}`, permissions: ["projects:read", "tokens:create"], expiresAt: null, createdById: developer.id });
    return { org, admin, ctx, developer, devMeta, ws };
  }

  function me(secret: string, orgSlug: string) {
    return fetch(`${server.url}/api/v1/app/me`, { headers: { authorization: `Bearer ${secret}`, "x-org": orgSlug } });
  }

  async function nothingChanged(tokenId: string, orgId: string) {
    const row = await prisma.token.findUniqueOrThrow({ where: { id: tokenId } });
    expect(row.status).toBe("ACTIVE");
    expect(row.leakedAt).toBeNull();
    expect(await prisma.auditEvent.count({ where: { orgId, action: "token.leaked" } })).toBe(0);
    expect(await prisma.outboxEmail.count({ where: { orgId, subject: { contains: "leaked" } } })).toBe(0);
  }

  it("answers 503 with what to set when no keys are configured", async () => {
    vi.stubEnv("KEYSMITH_LEAK_KEYS_FILE", "");
    const r = await signedReport(server.url, [match(generateToken("WORKSPACE"))], key);
    expect(r.status).toBe(503);
    expect((await r.json()).error.message).toMatch(/KEYSMITH_LEAK_KEYS_URL.*KEYSMITH_LEAK_KEYS_FILE/);
  });

  it("refuses unsigned, badly signed, unknown-key and re-signed reports with 401, and changes nothing", async () => {
    const { org, ws } = await orgWithTokens();
    const body = JSON.stringify([match(ws.secret)]);
    const other = JSON.stringify([match(generateToken("WORKSPACE"))]);
    const attempts = [
      postReport(server.url, body),
      postReport(server.url, body, { keyId: key.id }),
      postReport(server.url, body, { keyId: key.id, signature: "not base64 at all!" }),
      postReport(server.url, body, { keyId: key.id, signature: Buffer.from("garbage-bytes-here").toString("base64") }),
      // A valid signature under an id nobody published.
      postReport(server.url, body, { keyId: "f".repeat(64), signature: signBody(body, key) }),
      // Signed by a key pair that is not among the published ones, under a published id.
      postReport(server.url, body, { keyId: key.id, signature: signBody(body, makeSigningKey()) }),
      // The report replayed with another report's (valid) signature.
      postReport(server.url, body, { keyId: key.id, signature: signBody(other, key) }),
      // The signature covers the exact bytes: re-serialized JSON (another spacing) does not verify.
      postReport(server.url, JSON.stringify(JSON.parse(body), null, 1), { keyId: key.id, signature: signBody(body, key) }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(401);
      expect((await r.json()).type).toBe("error");
    }
    await nothingChanged(ws.token.id, org.id);
    expect((await me(ws.secret, org.slug)).status).toBe(200);
  });

  it("revokes or flags each real token by its org's policy, labels every match, e-mails, audits and emits token.leaked", async () => {
    const a = await orgWithTokens("REVOKE");
    const b = await orgWithTokens("FLAG");
    receiver = await startWebhookReceiver([]);
    const { secret: hookSecret } = await createEndpoint(prisma, a.ctx, { url: receiver.url, eventScope: "some", events: ["token.leaked", "token.revoked"] });
    receiver.secrets = [hookSecret];
    // A token the leaked one minted through the API goes with it.
    const minted = await issueToken(prisma, { ...a.devMeta, actor: { type: "token", id: a.ws.token.id, label: a.ws.token.name } }, {
      kind: "WORKSPACE",
      name: `minted-${uniq()}`,
      permissions: ["projects:read"],
      expiresAt: null,
      createdById: a.developer.id,
      createdByTokenId: a.ws.token.id,
    });
    const gone = await issueToken(prisma, a.ctx, { kind: "WORKSPACE", name: `old-${uniq()}`, permissions: [], expiresAt: null, createdById: a.admin.id });
    await revokeToken(prisma, a.ctx, gone.token.id);
    const unknown = generateToken("GATEWAY");
    const garbage = "ksw_definitely-not-a-real-token";
    const urlA = "https://github.com/octo/app/blob/main/.env";

    const matches = [match(a.ws.secret, urlA), match(b.ws.secret), match(unknown), match(garbage), match(gone.secret), match(a.ws.secret, "https://github.com/octo/app/blob/dev/.env")];
    const r = await signedReport(server.url, matches, key);
    expect(r.status).toBe(200);
    const text = await r.text();
    for (const m of matches) expect(text).not.toContain(m.token);
    const feedback = JSON.parse(text) as Feedback;
    expect(feedback).toEqual(matches.map((m) => ({ token_hash: hashToken(m.token), token_type: "keysmith_token", label: expect.any(String) })));
    expect(feedback.map((f) => f.label)).toEqual(["true_positive", "true_positive", "false_positive", "false_positive", "true_positive", "true_positive"]);

    // Org A revokes at once, with what the token minted; org B only flags.
    expect((await me(a.ws.secret, a.org.slug)).status).toBe(401);
    expect((await me(minted.secret, a.org.slug)).status).toBe(401);
    expect((await me(b.ws.secret, b.org.slug)).status).toBe(200);
    const rowA = await prisma.token.findUniqueOrThrow({ where: { id: a.ws.token.id } });
    expect(rowA).toMatchObject({ status: "REVOKED", leakedUrl: urlA, leakedBy: "Secret scanning" });
    expect(rowA.leakedAt).not.toBeNull();
    const rowB = await prisma.token.findUniqueOrThrow({ where: { id: b.ws.token.id } });
    expect(rowB.status).toBe("ACTIVE");
    expect(rowB.leakedAt).not.toBeNull();

    // One audit entry per token named (the duplicate sighting counts once), plus each revocation with its reason.
    const leakedA = await prisma.auditEvent.findMany({ where: { orgId: a.org.id, action: "token.leaked" } });
    expect(leakedA.map((e) => [e.targetId, (e.metadata as { outcome: string }).outcome]).sort()).toEqual(
      [
        [a.ws.token.id, "revoked"],
        [gone.token.id, "already_revoked"],
      ].sort(),
    );
    expect(leakedA.every((e) => e.actorType === "system")).toBe(true);
    const revokedA = await prisma.auditEvent.findMany({ where: { orgId: a.org.id, action: "token.revoked", createdAt: { gte: rowA.leakedAt! } } });
    expect(revokedA.map((e) => (e.metadata as { reason: string }).reason).sort()).toEqual(["minted by a revoked token", "reported leaked by GitHub secret scanning"]);
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { orgId: b.org.id, action: "token.leaked" } })).metadata).toMatchObject({ outcome: "flagged" });

    // The admins and the token's creator are told which token, where, and what was done; never the secret.
    const mailA = await prisma.outboxEmail.findMany({ where: { orgId: a.org.id, subject: { contains: "leaked" } } });
    expect(mailA.map((m) => m.to).sort()).toEqual([a.admin.email, a.developer.email].sort());
    for (const mail of mailA) {
      expect(mail.text).toContain(a.ws.token.masked);
      expect(mail.text).toContain(urlA);
      expect(mail.text).toContain("Revoked at once");
      expect(mail.text).toContain(minted.token.name);
      for (const part of [mail.text, mail.html, mail.subject]) expect(part).not.toContain(a.ws.secret);
    }
    const mailB = await prisma.outboxEmail.findMany({ where: { orgId: b.org.id, subject: { contains: "leaked" } } });
    expect(mailB.map((m) => m.to).sort()).toEqual([b.admin.email, b.developer.email].sort());
    expect(mailB[0].text).toContain("Flagged only");

    // Org A's endpoint hears of the leak and of both revocations; org B's tokens are none of its business.
    let round;
    do round = await deliverDue(prisma);
    while (round.delivered > 0);
    const leakedEvents = receiver.received.filter((e) => e.type === "token.leaked");
    expect(leakedEvents.map((e) => (e.payload.data.token as { masked: string }).masked).sort()).toEqual([a.ws.token.masked, gone.token.masked].sort());
    expect(leakedEvents.find((e) => e.payload.data.outcome === "revoked")!.payload.data).toMatchObject({ url: urlA, source: "content", reported_via: "github" });
    const revokedEvents = receiver.received.filter((e) => e.type === "token.revoked").map((e) => (e.payload.data.token as { id: string }).id);
    expect(revokedEvents.sort()).toEqual([gone.token.id, a.ws.token.id, minted.token.id].sort());
    expect(receiver.received.map((e) => e.body).join()).not.toContain(a.ws.secret);
  });

  it("answers a 1,000-token report with one lookup, well within GitHub's 30 s", async () => {
    const { org, admin, ctx } = await createOrgWithAdmin(prisma);
    const secrets = Array.from({ length: 1_000 }, () => generateToken("WORKSPACE"));
    // Every one a real token of the org, the worst case (inserted directly: issuing 1,000 one by one is not what is measured).
    await prisma.token.createMany({
      data: secrets.map((secret, i) => ({
        orgId: org.id,
        kind: "WORKSPACE" as const,
        name: `bulk-${i}`,
        hash: hashToken(secret),
        prefix: secret.slice(0, 8),
        last4: secret.slice(-4),
        createdById: admin.id,
      })),
    });
    receiver = await startWebhookReceiver([]);
    await createEndpoint(prisma, ctx, { url: receiver.url, eventScope: "all", events: [] });
    const lookups = vi.spyOn(prisma, "$queryRaw");
    let started = performance.now();
    let r = await signedReport(server.url, secrets.map((s) => match(s)), key);
    const realMs = performance.now() - started;
    expect(r.status).toBe(200);
    const feedback = (await r.json()) as Feedback;
    // The lookup is one statement for all 1,000 hashes; the revocation's own (lineage, row locks) do not grow with the report either.
    const sql = lookups.mock.calls.map((args) => [...(args[0] as unknown as string[])].join("?"));
    lookups.mockRestore();
    expect(sql.filter((q) => q.includes('JOIN "Organization"'))).toHaveLength(1);
    expect(sql.length).toBeLessThanOrEqual(3);
    expect(feedback.every((f) => f.label === "true_positive")).toBe(true);
    expect(await prisma.token.count({ where: { orgId: org.id, status: "REVOKED", leakedAt: { not: null } } })).toBe(1_000);
    expect(await prisma.webhookDelivery.count({ where: { orgId: org.id, eventType: "token.leaked" } })).toBe(1_000);
    // One e-mail for the admin, listing the first 50 and counting the rest.
    const mail = await prisma.outboxEmail.findFirstOrThrow({ where: { orgId: org.id, to: admin.email, subject: { contains: "leaked" } } });
    expect(mail.subject).toContain("1000 tokens");
    expect(mail.text).toContain("950 more");

    // 1,000 well-formed tokens that are nobody's: the same one lookup, nothing written.
    started = performance.now();
    r = await signedReport(server.url, Array.from({ length: 1_000 }, () => match(generateToken("GATEWAY"))), key);
    const unknownMs = performance.now() - started;
    expect(((await r.json()) as Feedback).every((f) => f.label === "false_positive")).toBe(true);
    console.log(`1,000-token report on ${name}: ${realMs.toFixed(0)} ms all real (all revoked), ${unknownMs.toFixed(0)} ms all unknown`);
    expect(realMs).toBeLessThan(10_000);
  });

  it("treats a leaked previous secret as a leak during the overlap, and as retired after it", async () => {
    const { org, admin, ctx } = await orgWithTokens();
    const issued = await issueToken(prisma, ctx, { kind: "ORGANIZATION", name: `rot-${uniq()}`, role: "DEVELOPER", expiresAt: null, createdById: admin.id });
    const fresh = await regenerateToken(prisma, ctx, issued.token.id, 3_600_000);
    await prisma.token.update({ where: { id: issued.token.id }, data: { previousValidUntil: new Date(Date.now() - 1_000) } });
    let feedback = (await (await signedReport(server.url, [match(issued.secret)], key)).json()) as Feedback;
    expect(feedback[0].label).toBe("true_positive");
    expect((await prisma.token.findUniqueOrThrow({ where: { id: issued.token.id } })).status).toBe("ACTIVE");
    expect((await me(fresh.secret, org.slug)).status).toBe(200);

    const again = await regenerateToken(prisma, ctx, issued.token.id, 3_600_000);
    feedback = (await (await signedReport(server.url, [match(fresh.secret)], key)).json()) as Feedback;
    expect(feedback[0].label).toBe("true_positive");
    expect((await me(again.secret, org.slug)).status).toBe(401);
  });

  it("regenerating a flagged token replaces the leaked secret at once (no overlap) and clears the mark", async () => {
    const { org, ctx, ws } = await orgWithTokens("FLAG");
    await signedReport(server.url, [match(ws.secret)], key);
    const regenerated = await regenerateToken(prisma, ctx, ws.token.id, 86_400_000);
    expect(regenerated.token.previous).toBeNull();
    expect(regenerated.token.leak).toBeNull();
    expect((await me(ws.secret, org.slug)).status).toBe(401);
    expect((await me(regenerated.secret, org.slug)).status).toBe(200);
  });

  it("reads the keys from a URL through the egress rules, and fetches again for an unknown id at most once a minute", async () => {
    const keys = await serveKeys([key]);
    try {
      vi.stubEnv("KEYSMITH_LEAK_KEYS_FILE", "");
      vi.stubEnv("KEYSMITH_LEAK_KEYS_URL", keys.url);
      const { ws } = await orgWithTokens();
      expect((await signedReport(server.url, [match(ws.secret)], key)).status).toBe(200);
      expect((await signedReport(server.url, [match(generateToken("WORKSPACE"))], key)).status).toBe(200);
      expect(keys.fetches()).toBe(1);

      const config = { url: keys.url };
      const t0 = Date.now();
      const stranger = makeSigningKey();
      for (let i = 0; i < 20; i++) expect(await leakReportKey(config, stranger.id, t0 + i)).toBeNull();
      expect(keys.fetches()).toBe(1);
      // GitHub publishes a new key: the first report signed with it after the minimum interval is accepted.
      keys.setKeys([key, stranger]);
      expect(await leakReportKey(config, stranger.id, t0 + 61_000)).not.toBeNull();
      expect(keys.fetches()).toBe(2);

      // Without the loopback opt-in the keys URL is refused like any other internal address.
      resetLeakKeys();
      vi.stubEnv("KEYSMITH_UPSTREAM_ALLOW_HOSTS", "");
      expect((await signedReport(server.url, [match(ws.secret)], key)).status).toBe(503);
      expect(keys.fetches()).toBe(2);
    } finally {
      await keys.close();
    }
  });

  describe("reported by an admin through the Workspace API", () => {
    function report(secret: string, orgSlug: string, body: unknown) {
      return fetch(`${server.url}/api/v1/app/token-leaks`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "x-org": orgSlug, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    }

    it("takes the token or its masked form, follows the policy, and tells nothing about other orgs", async () => {
      const { org, admin, ctx, ws } = await orgWithTokens("FLAG");
      const other = await orgWithTokens();
      const adminToken = await issueToken(prisma, ctx, { kind: "ORGANIZATION", name: `admin-${uniq()}`, role: "ADMIN", expiresAt: null, createdById: admin.id });

      let r = await report(adminToken.secret, org.slug, { token: ws.token.masked, url: "https://pastebin.example/abc" });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ token: { id: ws.token.id, name: ws.token.name, masked: ws.token.masked }, outcome: "flagged", also_revoked: [] });
      const audit = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "token.leaked" } });
      expect(audit).toMatchObject({ actorType: "token", actorLabel: adminToken.token.name });
      expect(audit.metadata).toMatchObject({ via: "api", url: "https://pastebin.example/abc" });

      // "…" typed as three dots works too.
      r = await report(adminToken.secret, org.slug, { token: ws.token.masked.replace("…", "...") });
      expect((await r.json()).outcome).toBe("flagged");

      for (const token of [other.ws.secret, other.ws.token.masked, generateToken("WORKSPACE")]) {
        r = await report(adminToken.secret, org.slug, { token });
        expect(r.status).toBe(404);
        expect((await r.json()).error.message).toBe("No token of this organization matches.");
      }
      expect((await prisma.token.findUniqueOrThrow({ where: { id: other.ws.token.id } })).leakedAt).toBeNull();

      r = await report(adminToken.secret, org.slug, { token: "ksw_not-a-token" });
      expect(r.status).toBe(400);
      r = await report(adminToken.secret, org.slug, { token: ws.secret, url: "javascript:alert(1)" });
      expect(r.status).toBe(400);
      expect((await r.json()).error.message).toMatch(/"url"/);

      // A developer's token may not, even with tokens:delete.
      r = await report(ws.secret, org.slug, { token: ws.token.masked });
      expect(r.status).toBe(403);
      expect(maskToken(ws.token.prefix, ws.token.masked.slice(-4))).toBe(ws.token.masked);
    });
  });
});
