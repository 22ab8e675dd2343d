import type http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { messages as messagesRoute } from "@/lib/api/routes/gateway";
import { open, seal } from "@/lib/crypto/secret-box";
import { DomainError } from "@/lib/errors";
import { createGateway, updateGateway, type GatewayInput } from "@/lib/gateways/service";
import { LOOP_MESSAGE } from "@/lib/gateways/hop";
import { setUpstreamLookup } from "@/lib/gateways/upstream";
import type { Lookup } from "@/lib/net/egress";

import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";
import {
  cannedMessage,
  cannedStreamEvents,
  closedPortUrl,
  createGatewayOrg,
  ensureAppSecret,
  GATEWAY_ROUTES,
  issueGatewayToken,
  LOOPBACK_UPSTREAMS,
  rawCall,
  startFakeUpstream,
  type FakeUpstream,
  type GatewayOrg,
  type ReceivedRequest,
} from "../support/gateway-api";
import { startRouteServer, type RouteHandler, type RouteServer } from "../support/route-server";

ensureAppSecret();
process.env.KEYSMITH_UPSTREAM_TIMEOUT_MS = "2000";

const MODEL = "claude-test-1";
const MESSAGES = "/api/gpt/v1/messages";
const UPSTREAM_KEY = "sk-upstream-ssrf-test";
/** What an internal service would answer: it must never reach a caller. */
const SECRET = "INTERNAL-SECRET-a7f3c9";
const body = (stream = false) => ({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "hi" }], ...(stream ? { stream: true } : {}) });
const PUBLIC_ADDRESS = "93.184.216.34";

/** A resolver that answers every name with `address`. */
const resolvingTo =
  (address: string): Lookup =>
  async () => [{ address, family: address.includes(":") ? 6 : 4 }];

/** Every way to write this machine (the listener's port appended), plus link-local, private and other internal ranges. */
const thisMachine = (port: number) =>
  [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "017700000001",
    "0177.0.0.1",
    "127.000.000.001",
    "127.0.0.1.",
    "%31%32%37.0.0.1",
    "127。0。0。1",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[::127.0.0.1]",
    "[::1]",
    "0.0.0.0",
    "0",
    "[::]",
    "localhost",
    "LOCALHOST.",
    "foo.localhost",
  ].map((host) => `http://${host}:${port}`);
const INTERNAL_RANGES = [
  "http://169.254.169.254",
  "http://[::ffff:169.254.169.254]",
  "http://100.64.0.1",
  "http://10.0.0.1",
  "http://192.168.1.1",
  "http://[fd00::1]",
  "http://[fe80::1]",
  "http://224.0.0.1",
  "http://255.255.255.255",
  "http://[64:ff9b::7f00:1]",
];

/**
 * The gateway upstream is not an SSRF primitive: no spelling of an internal
 * address is ever dialled (whatever the database says), DNS rebinding is
 * caught at dial time, the caller never sees an upstream's error text, and a
 * gateway cannot call itself.
 */
describe.each(testDatabases)("gateway upstream egress rules on $name", ({ name }) => {
  let app: AppDb;
  let server: RouteServer;
  let o: GatewayOrg;
  /** The "internal service": answers anything with SECRET, and counts every connection made to it. */
  let internal: FakeUpstream;
  let respond: (req: ReceivedRequest, res: http.ServerResponse) => void | Promise<void>;
  /** How often the messages route ran: a loop shows up here. */
  let messageCalls = 0;

  const secretAnswer = (_req: ReceivedRequest, res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...cannedMessage(MODEL, SECRET), secret: SECRET }));
  };

  beforeAll(async () => {
    app = await openAppDb(name);
    const countingMessages: RouteHandler = (request, context) => {
      messageCalls += 1;
      return messagesRoute.POST(request, context);
    };
    server = await startRouteServer({ ...GATEWAY_ROUTES, [MESSAGES]: { POST: countingMessages } });
    internal = await startFakeUpstream((req, res) => respond(req, res));
    o = await createGatewayOrg(app.prisma);
  });

  afterAll(async () => {
    setUpstreamLookup();
    await server?.close();
    await internal?.close();
    await app?.close();
  });

  beforeEach(() => {
    delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
    respond = secretAnswer;
    internal.received.length = 0;
  });

  afterEach(() => {
    delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
    setUpstreamLookup();
  });

  /**
   * A gateway at `url` written straight into the database, past the save-time
   * checks (as a row saved before them, or a name that resolved elsewhere then):
   * only the dial-time check stands between it and the address. Returns a token for it.
   */
  async function tokenForRow(url: string): Promise<string> {
    const gateway = await app.prisma.gateway.create({
      data: {
        orgId: o.org.id,
        name: `Row ${uniq()}`,
        slug: `row-${uniq()}`,
        upstreamType: "ANTHROPIC",
        upstreamBaseUrl: url,
        upstreamKeyEnc: seal(UPSTREAM_KEY),
        models: [MODEL],
      },
    });
    return (await issueGatewayToken(app.prisma, o, gateway.id)).secret;
  }

  function input(upstreamBaseUrl: string, upstreamApiKey?: string): GatewayInput {
    return { name: `Up ${uniq()}`, slug: `up-${uniq()}`, upstreamType: "ANTHROPIC", upstreamBaseUrl, upstreamApiKey, models: [MODEL] };
  }

  /** The caller's view of an upstream that cannot be reached: a closed port on an opted-in address. */
  async function unreachableAnswer(stream: boolean) {
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
    try {
      const secret = await tokenForRow(await closedPortUrl());
      return await rawCall(server.url, MESSAGES, { token: secret, body: body(stream) });
    } finally {
      delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
    }
  }

  describe("dialling", () => {
    it("no spelling of this machine is ever connected to, and each answers exactly like a closed port", async () => {
      const closed = await unreachableAnswer(false);
      expect(closed.status).toBe(502);
      expect(closed.json).toEqual({ type: "error", error: { type: "api_error", message: "The upstream could not be reached." } });
      const closedStream = await unreachableAnswer(true);
      expect(closedStream.text).toBe(closed.text);

      const before = internal.connections;
      for (const url of thisMachine(internal.port)) {
        const secret = await tokenForRow(url);
        for (const stream of [false, true]) {
          const r = await rawCall(server.url, MESSAGES, { token: secret, body: body(stream) });
          expect({ url, stream, status: r.status, text: r.text }).toEqual({ url, stream, status: 502, text: closed.text });
        }
      }
      expect(internal.connections).toBe(before);
      expect(internal.received).toHaveLength(0);
    });

    it("link-local (cloud metadata), CGNAT, private, multicast, broadcast and NAT64 addresses answer the same, at once", async () => {
      const closed = await unreachableAnswer(false);
      for (const url of INTERNAL_RANGES) {
        const secret = await tokenForRow(url);
        const started = Date.now();
        const r = await rawCall(server.url, MESSAGES, { token: secret, body: body() });
        // Not dialled at all: no wait for a connection attempt to time out.
        expect({ url, status: r.status, text: r.text, fast: Date.now() - started < 1_000 }).toEqual({ url, status: 502, text: closed.text, fast: true });
      }
    });

    it("a name that fails to resolve answers the same too", async () => {
      const closed = await unreachableAnswer(false);
      setUpstreamLookup(async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      });
      const r = await rawCall(server.url, MESSAGES, { token: await tokenForRow("https://no-such-host.example"), body: body() });
      expect(r.text).toBe(closed.text);
    });

    it("opted in with KEYSMITH_UPSTREAM_ALLOW_HOSTS (a CIDR, or a host name), the same listener is reached", async () => {
      const before = internal.connections;
      const byAddress = await tokenForRow(`http://127.0.0.1:${internal.port}`);
      const byDecimal = await tokenForRow(`http://2130706433:${internal.port}`);
      const byName = await tokenForRow(`http://localhost:${internal.port}`);

      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "127.0.0.1/32";
      for (const token of [byAddress, byDecimal]) {
        const r = await rawCall(server.url, MESSAGES, { token, body: body() });
        expect(r.status).toBe(200);
      }
      // The CIDR lets addresses in, not the localhost name.
      expect((await rawCall(server.url, MESSAGES, { token: byName, body: body() })).status).toBe(502);

      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "localhost";
      expect((await rawCall(server.url, MESSAGES, { token: byName, body: body() })).status).toBe(200);
      expect((await rawCall(server.url, MESSAGES, { token: byAddress, body: body() })).status).toBe(502);

      expect(internal.received).toHaveLength(3);
      expect(internal.connections).toBeGreaterThan(before);
    });

    it("DNS rebinding: a name that was public when saved and is 127.0.0.1 when dialled is refused, never connected", async () => {
      const url = `http://rebind.keysmith.test:${internal.port}`;
      // Saving asks the resolver, which answers a public address then.
      const gateway = await createGateway(app.prisma, o.meta, input(url, UPSTREAM_KEY), { lookup: resolvingTo(PUBLIC_ADDRESS) });
      const { secret } = await issueGatewayToken(app.prisma, o, gateway.id);
      const closed = await unreachableAnswer(false);
      const before = internal.connections;

      // By the time the gateway dials, the name points at this machine.
      setUpstreamLookup(resolvingTo("127.0.0.1"));
      for (const stream of [false, true]) {
        const r = await rawCall(server.url, MESSAGES, { token: secret, body: body(stream) });
        expect(r.status).toBe(502);
        expect(r.text).toBe(closed.text);
      }
      // One bad address among good ones is enough to refuse the whole answer.
      setUpstreamLookup(async () => [
        { address: PUBLIC_ADDRESS, family: 4 },
        { address: "::ffff:127.0.0.1", family: 6 },
      ]);
      expect((await rawCall(server.url, MESSAGES, { token: secret, body: body() })).text).toBe(closed.text);
      expect(internal.connections).toBe(before);

      // The control: the same resolver, opted in, does reach the listener.
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      setUpstreamLookup(resolvingTo("127.0.0.1"));
      expect((await rawCall(server.url, MESSAGES, { token: secret, body: body() })).status).toBe(200);
      expect(internal.connections).toBeGreaterThan(before);
    });
  });

  describe("saving", () => {
    it("refuses every spelling of an internal address, on upstreamBaseUrl, naming the rule", async () => {
      const before = await app.prisma.gateway.count();
      for (const url of [...thisMachine(internal.port), ...INTERNAL_RANGES]) {
        const error = await createGateway(app.prisma, o.meta, input(url, UPSTREAM_KEY)).catch((e: unknown) => e);
        expect(error, url).toBeInstanceOf(DomainError);
        expect((error as DomainError).field).toBe("upstreamBaseUrl");
        expect((error as DomainError).message).toMatch(/^Not allowed as an upstream: .*(address|name)/);
      }
      expect(await app.prisma.gateway.count()).toBe(before);
    });

    it("refuses a name that resolves to an internal address now; accepts one that does not resolve (offline)", async () => {
      const error = await createGateway(app.prisma, o.meta, input("https://metadata.example.test", UPSTREAM_KEY), {
        lookup: resolvingTo("169.254.169.254"),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ field: "upstreamBaseUrl", message: expect.stringMatching(/link-local address.*169\.254\.169\.254/) });

      const offline: Lookup = async () => {
        throw Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" });
      };
      const saved = await createGateway(app.prisma, o.meta, input("https://api.example.test", UPSTREAM_KEY), { lookup: offline });
      expect(saved.upstreamBaseUrl).toBe("https://api.example.test");

      // Editing is held to the same rules.
      const edit = await updateGateway(app.prisma, o.meta, saved.id, { ...input("http://[::ffff:127.0.0.1]:8080"), slug: saved.slug }).catch(
        (e: unknown) => e,
      );
      expect(edit).toMatchObject({ field: "upstreamBaseUrl", message: expect.stringMatching(/loopback address/) });
    });
  });

  describe("what the caller sees of an upstream", () => {
    /** An opted-in (so reachable) but hostile upstream: answers `status` with SECRET in the body. */
    async function hostileAnswer(status: number, headers: Record<string, string>, stream: boolean) {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      respond = (_req, res) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: SECRET }, detail: SECRET }));
      };
      const secret = await tokenForRow(internal.url);
      return rawCall(server.url, MESSAGES, { token: secret, body: body(stream) });
    }

    it.each([
      [400, 400, {}, "The upstream refused the request (400)."],
      [404, 404, {}, "The upstream refused the request (404)."],
      [413, 413, {}, "The upstream refused the request (413)."],
      [401, 502, {}, "The upstream rejected the gateway's credentials (401)."],
      [403, 502, {}, "The upstream rejected the gateway's credentials (403)."],
      [429, 429, { "retry-after": "7" }, "The upstream is rate limiting this gateway (429)."],
      [500, 502, {}, "The upstream failed (500)."],
      [418, 502, {}, "The upstream failed (418)."],
      [503, 503, { "retry-after": "9" }, "The upstream is overloaded (503)."],
      [529, 503, {}, "The upstream is overloaded (529)."],
      [302, 502, { location: "http://169.254.169.254/" }, "The upstream answered with a redirect (302), which the gateway does not follow."],
    ] as const)("an upstream %i → %i with a fixed message, never the upstream's text", async (status, expected, headers, message) => {
      for (const stream of [false, true]) {
        const r = await hostileAnswer(status, headers, stream);
        expect(r.status).toBe(expected);
        expect(r.json).toEqual({ type: "error", error: { type: expect.any(String), message } });
        expect(r.text).not.toContain(SECRET);
        if ("retry-after" in headers) expect(r.headers.get("retry-after")).toBe(headers["retry-after"]);
      }
    });

    it("retry-after is passed on as seconds or a rewritten date, never as the upstream's text", async () => {
      const date = await hostileAnswer(503, { "retry-after": "Wed, 21 Oct 2037 07:28:00 GMT" }, false);
      expect(date.headers.get("retry-after")).toBe("Wed, 21 Oct 2037 07:28:00 GMT");
      // V8's Date.parse reads a date out of almost anything: only the date survives.
      const smuggled = await hostileAnswer(429, { "retry-after": "leaked words 2037" }, false);
      expect(smuggled.status).toBe(429);
      expect(smuggled.headers.get("retry-after")).toBe(new Date(Date.parse("leaked words 2037")).toUTCString());
      const junk = await hostileAnswer(429, { "retry-after": SECRET }, false);
      expect(junk.headers.get("retry-after")).toBeNull();
    });

    it("a redirect is not followed, even to an address the rules would allow", async () => {
      const target = await startFakeUpstream(secretAnswer);
      try {
        const r = await hostileAnswer(307, { location: `${target.url}/v1/messages` }, false);
        expect(r.status).toBe(502);
        expect(target.connections).toBe(0);
      } finally {
        await target.close();
      }
    });

    it("a stream call is relayed only from a 2xx text/event-stream answer", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const secret = await tokenForRow(internal.url);
      for (const contentType of ["application/json", "text/plain", "text/html; charset=utf-8"]) {
        respond = (_req, res) => {
          res.writeHead(200, { "content-type": contentType });
          res.end(`${JSON.stringify({ secret: SECRET })}\n\nevent: x\ndata: ${SECRET}\n\n`);
        };
        const r = await rawCall(server.url, MESSAGES, { token: secret, body: body(true) });
        expect({ contentType, status: r.status }).toEqual({ contentType, status: 502 });
        expect(r.text).not.toContain(SECRET);
      }
      // The control: a real event stream is relayed.
      respond = (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(cannedStreamEvents(MODEL, ["streamed"]).join(""));
      };
      const ok = await rawCall(server.url, MESSAGES, { token: secret, body: body(true) });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("streamed");
    });

    it("a non-stream answer must be application/json", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const secret = await tokenForRow(internal.url);
      for (const contentType of ["text/plain", "text/html", "application/octet-stream"]) {
        respond = (_req, res) => {
          res.writeHead(200, { "content-type": contentType });
          res.end(JSON.stringify({ ...cannedMessage(MODEL, SECRET), secret: SECRET }));
        };
        const r = await rawCall(server.url, MESSAGES, { token: secret, body: body() });
        expect({ contentType, status: r.status }).toEqual({ contentType, status: 502 });
        expect(r.text).not.toContain(SECRET);
      }
    });

    it("an answer larger than 32 MiB is refused, declared or not, without waiting for it", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const secret = await tokenForRow(internal.url);
      // Declared: refused from the header, while the upstream still holds the body back.
      respond = (_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(40 * 1024 * 1024) });
        res.write('{"pad":"');
      };
      const started = Date.now();
      const declared = await rawCall(server.url, MESSAGES, { token: secret, body: body() });
      expect(declared.status).toBe(502);
      expect(Date.now() - started).toBeLessThan(1_500);

      // Chunked: valid JSON, just too much of it.
      const mib = Buffer.alloc(1024 * 1024, "x");
      respond = async (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"pad":"');
        for (let i = 0; i < 33 && !res.destroyed; i++) {
          if (!res.write(mib)) await new Promise((resolve) => res.once("drain", resolve));
        }
        res.end('"}');
      };
      const chunked = await rawCall(server.url, MESSAGES, { token: secret, body: body() });
      expect(chunked.status).toBe(502);
      expect(chunked.text.length).toBeLessThan(1_000);
    });
  });

  describe("loops", () => {
    it("every upstream call carries the hop header", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const secret = await tokenForRow(internal.url);
      expect((await rawCall(server.url, MESSAGES, { token: secret, body: body() })).status).toBe(200);
      expect(internal.received.at(-1)?.headers["x-keysmith-hop"]).toBe("1");
    });

    it("a request carrying the hop header → 508 in Anthropic's shape, before any upstream call", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const secret = await tokenForRow(internal.url);
      const before = internal.connections;
      for (const [method, path] of [
        ["POST", MESSAGES],
        ["GET", "/api/gpt/v1/models"],
        ["POST", "/api/gpt/v1/complete"],
      ] as const) {
        const r = await rawCall(server.url, path, { method, token: secret, headers: { "x-keysmith-hop": "1" }, body: method === "POST" ? body() : undefined });
        expect(r.status).toBe(508);
        expect(r.json).toEqual({ type: "error", error: { type: "api_error", message: LOOP_MESSAGE } });
      }
      expect(internal.connections).toBe(before);
      expect(internal.received).toHaveLength(0);
    });

    it("a gateway whose upstream is this console's own gateway API fails after one hop", async () => {
      process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
      const gateway = await createGateway(app.prisma, o.meta, input(`${server.url}/api/gpt`));
      const { secret } = await issueGatewayToken(app.prisma, o, gateway.id);
      // Its upstream key is its own token: every hop would authenticate.
      await app.prisma.gateway.update({ where: { id: gateway.id }, data: { upstreamKeyEnc: seal(secret) } });
      const before = messageCalls;
      const r = await rawCall(server.url, MESSAGES, { token: secret, body: body() });
      expect(r.status).toBe(502);
      expect(r.json).toEqual({ type: "error", error: { type: "api_error", message: "The upstream failed (508)." } });
      expect(messageCalls - before).toBe(2);
    });
  });

  describe("the stored key and the upstream's host", () => {
    const lookup = resolvingTo(PUBLIC_ADDRESS);

    async function storedKey(id: string): Promise<string | null> {
      const row = await app.prisma.gateway.findUniqueOrThrow({ where: { id }, select: { upstreamKeyEnc: true } });
      return row.upstreamKeyEnc ? open(row.upstreamKeyEnc) : null;
    }

    async function lastAudit(id: string) {
      const event = await app.prisma.auditEvent.findFirstOrThrow({ where: { targetId: id, action: "gateway.updated" }, orderBy: { createdAt: "desc" } });
      return event.metadata as Record<string, unknown>;
    }

    it("keeps the key when the origin stays (path, host case, default port), clears it when the origin changes", async () => {
      const created = await createGateway(app.prisma, o.meta, input("https://api.example.test", UPSTREAM_KEY), { lookup });
      const edit = (upstreamBaseUrl: string, upstreamApiKey?: string) =>
        updateGateway(app.prisma, o.meta, created.id, { ...input(upstreamBaseUrl, upstreamApiKey), name: created.name, slug: created.slug }, { lookup });

      for (const sameOrigin of ["https://api.example.test/v2", "https://API.Example.TEST:443/proxy"]) {
        const view = await edit(sameOrigin);
        expect(view.hasUpstreamKey).toBe(true);
        expect(await storedKey(created.id)).toBe(UPSTREAM_KEY);
        expect(await lastAudit(created.id)).toMatchObject({ upstreamKeyCleared: false, upstreamKeyReplaced: false });
      }

      for (const otherOrigin of ["https://other.example.test", "https://other.example.test:8443", "http://other.example.test:8443"]) {
        await edit(otherOrigin.replace("other", "again"), "sk-again");
        const view = await edit(otherOrigin);
        expect(view.hasUpstreamKey).toBe(false);
        expect(await storedKey(created.id)).toBeNull();
        expect(await lastAudit(created.id)).toMatchObject({ upstreamKeyCleared: true, upstreamBaseUrl: otherOrigin });
      }

      // A new host with a new key in the same edit keeps the new key.
      const view = await edit("https://third.example.test", "sk-third");
      expect(view.hasUpstreamKey).toBe(true);
      expect(await storedKey(created.id)).toBe("sk-third");
      expect(await lastAudit(created.id)).toMatchObject({ upstreamKeyCleared: false, upstreamKeyReplaced: true });
    });
  });
});
