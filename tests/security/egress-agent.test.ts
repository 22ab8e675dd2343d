import type { LookupFunction } from "node:net";
import { buildConnector, fetch } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { egressAgent, EgressRefusedError, guardConnector, guardedLookup } from "@/lib/net/egress-agent";
import type { Lookup } from "@/lib/net/egress";

import { startFakeUpstream, type FakeUpstream } from "../support/gateway-api";

/**
 * The dial-time guard on its own (lib/net/egress-agent.ts): the lookup the
 * socket uses refuses forbidden answers before any packet is sent; IP
 * literals are refused before dialling; and a socket that reached a forbidden
 * peer anyway is destroyed instead of being used for the request.
 */
describe("the egress agent", () => {
  let listener: FakeUpstream;
  const toLoopback: Lookup = async () => [{ address: "127.0.0.1", family: 4 }];

  beforeAll(async () => {
    listener = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  afterAll(() => listener.close());
  afterEach(() => {
    delete process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS;
  });

  async function refusal(url: string, lookup: Lookup): Promise<unknown> {
    const agent = egressAgent(lookup);
    try {
      const error = await fetch(url, { dispatcher: agent }).then(
        () => null,
        (e: unknown) => e,
      );
      return (error as { cause?: unknown } | null)?.cause ?? error;
    } finally {
      await agent.close();
    }
  }

  it("refuses a name whose lookup answers a forbidden address: no connection is made", async () => {
    const before = listener.connections;
    const cause = await refusal(`http://internal.example.test:${listener.port}/`, toLoopback);
    expect(cause).toBeInstanceOf(EgressRefusedError);
    expect((cause as Error).message).toMatch(/loopback address \(internal\.example\.test resolves to 127\.0\.0\.1\)/);
    expect(listener.connections).toBe(before);
  });

  it("refuses IP literals before dialling (no lookup happens for them)", async () => {
    const before = listener.connections;
    let lookups = 0;
    const counting: Lookup = async (host) => {
      lookups += 1;
      return toLoopback(host);
    };
    for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0"]) {
      expect(await refusal(`http://${host}:${listener.port}/`, counting)).toBeInstanceOf(EgressRefusedError);
    }
    expect(lookups).toBe(0);
    expect(listener.connections).toBe(before);
  });

  it("reaches the same listener when opted in (the control)", async () => {
    process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = "127.0.0.1/32";
    const agent = egressAgent(toLoopback);
    try {
      const response = await fetch(`http://internal.example.test:${listener.port}/`, { dispatcher: agent });
      expect(response.status).toBe(200);
    } finally {
      await agent.close();
    }
  });

  it("drops a socket whose peer is forbidden even when the lookup let it through (defence in depth)", async () => {
    const unguarded: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    };
    const connect = guardConnector(buildConnector({ lookup: unguarded }));
    const before = listener.connections;
    const outcome = await new Promise<{ error: Error | null; socket: unknown }>((resolve) => {
      connect({ hostname: "public.example.test", protocol: "http:", port: String(listener.port) }, (error, socket) => resolve({ error, socket }));
    });
    expect(outcome.error).toBeInstanceOf(EgressRefusedError);
    expect(outcome.error?.message).toMatch(/loopback address \(public\.example\.test connected to 127\.0\.0\.1\)/);
    expect(outcome.socket).toBeNull();
    // This layer acts once connected (the lookup is what keeps packets from leaving): the socket is handed to no one.
    expect(listener.connections).toBe(before + 1);
  });

  it("the guarded lookup answers in both of net's shapes (one address, or all)", async () => {
    const lookup = guardedLookup(async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1::1", family: 6 },
    ]);
    const one = await new Promise<unknown[]>((resolve) => lookup("example.test", { family: 6 }, (...args) => resolve(args)));
    expect(one).toEqual([null, "2606:2800:220:1::1", 6]);
    const all = await new Promise<unknown[]>((resolve) => lookup("example.test", { all: true }, (...args) => resolve(args)));
    expect(all[1]).toHaveLength(2);
    const refused = await new Promise<unknown[]>((resolve) => lookup("foo.localhost", { all: true }, (...args) => resolve(args)));
    expect(refused[0]).toBeInstanceOf(EgressRefusedError);
  });
});
