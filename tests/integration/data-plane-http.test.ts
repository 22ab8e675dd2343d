import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRouteServer, type RouteServer } from "../support/route-server";

/** The data plane (lib/data-plane/) on a socket: it must pass requests and streams through faithfully. */
describe("the data plane on a socket", () => {
  let server: RouteServer;

  beforeAll(async () => {
    server = await startRouteServer({
      "/echo": {
        POST: async (request) =>
          Response.json({
            method: request.method,
            ip: request.headers.get("x-keysmith-client-ip"),
            custom: request.headers.get("x-custom"),
            query: new URL(request.url).searchParams.get("q"),
            body: await request.text(),
          }),
      },
      "/items/[id]": { GET: async (_request, params) => Response.json(params) },
      "/files/[...path]": { GET: async (_request, params) => Response.json(params) },
      "/files/static": { GET: () => new Response("static wins") },
      "/slow": {
        GET: () => {
          let i = 0;
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              if (i > 0) await delay(200);
              if (i === 3) return controller.close();
              controller.enqueue(new TextEncoder().encode(`chunk ${i++}\n`));
            },
          });
          return new Response(body, { headers: { "content-type": "text/plain", "set-cookie": "a=1" } });
        },
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("passes method, headers, query and body, and stamps the socket address over a spoofed one", async () => {
    const response = await fetch(`${server.url}/echo?q=1`, {
      method: "POST",
      headers: { "x-custom": "yes", "x-keysmith-client-ip": "6.6.6.6" },
      body: "hello body",
    });
    expect(await response.json()).toEqual({ method: "POST", ip: "127.0.0.1", custom: "yes", query: "1", body: "hello body" });
  });

  it("matches dynamic and catch-all segments, static routes first", async () => {
    expect(await (await fetch(`${server.url}/items/42`)).json()).toEqual({ id: "42" });
    expect(await (await fetch(`${server.url}/files/a/b%20c`)).json()).toEqual({ path: ["a", "b c"] });
    expect(await (await fetch(`${server.url}/files/static`)).text()).toBe("static wins");
  });

  it("answers 404 for unmounted paths and 405 for unmounted methods", async () => {
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    const r = await fetch(`${server.url}/echo`);
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("POST");
  });

  it("streams: headers arrive before the body is done, and each chunk as it is produced", async () => {
    const started = Date.now();
    const response = await fetch(`${server.url}/slow`);
    const headersAt = Date.now() - started;
    expect(response.headers.get("set-cookie")).toBe("a=1");
    const arrivals: number[] = [];
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      arrivals.push(Date.now() - started);
      text += decoder.decode(chunk, { stream: true });
    }
    expect(text).toBe("chunk 0\nchunk 1\nchunk 2\n");
    expect(headersAt).toBeLessThan(150);
    expect(arrivals[0]).toBeLessThan(150);
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(300);
  });
});
