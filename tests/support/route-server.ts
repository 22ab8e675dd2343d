import http from "node:http";
import type { AddressInfo } from "node:net";

import { CLIENT_IP_HEADER, resolveClientIp } from "@/lib/request-info";

/**
 * A tiny HTTP server that serves imported Next.js route handlers without Next:
 * tests and benchmarks get a real socket (so real clients such as Anthropic's
 * SDK can talk to it) while the handlers run in the test's own process.
 *
 * - Paths use Next's folder syntax: "/api/gpt/v1/messages", "/x/[id]",
 *   "/api/gpt/v1/[...rest]". Static routes win over dynamic ones.
 * - The client address is stamped from the socket into x-keysmith-client-ip
 *   (overwriting whatever the client sent), as scripts/serve.ts does.
 * - Response bodies are streamed back chunk by chunk: headers are flushed
 *   first and every chunk is written as soon as the handler produces it.
 */
// Next's handlers type their params narrowly ({ params: Promise<{ id: string }> }); any of them fits here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteHandler = (request: Request, context: { params: Promise<any> }) => Response | Promise<Response>;

/** Path (Next folder syntax) → HTTP method → handler. */
export type RouteTable = Record<string, Partial<Record<string, RouteHandler>>>;

export interface RouteServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  segments: string[];
  dynamic: boolean;
  methods: Partial<Record<string, RouteHandler>>;
}

function compile(routes: RouteTable): CompiledRoute[] {
  const compiled = Object.entries(routes).map(([path, methods]) => {
    const segments = path.split("/").filter(Boolean);
    return { segments, dynamic: segments.some((s) => s.startsWith("[")), methods };
  });
  // Static routes first, then dynamic ones, longer before shorter.
  return compiled.sort((a, b) => Number(a.dynamic) - Number(b.dynamic) || b.segments.length - a.segments.length);
}

function match(route: CompiledRoute, parts: string[]): Record<string, string | string[]> | null {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i];
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(seg);
    if (catchAll) {
      if (i !== route.segments.length - 1 || parts.length <= i) return null;
      params[catchAll[1]] = parts.slice(i);
      return params;
    }
    if (i >= parts.length) return null;
    const dynamic = /^\[(\w+)\]$/.exec(seg);
    if (dynamic) params[dynamic[1]] = parts[i];
    else if (seg !== parts[i]) return null;
  }
  return parts.length === route.segments.length ? params : null;
}

function toRequest(req: http.IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    if (name === CLIENT_IP_HEADER || !value) continue;
    for (const v of value) headers.append(name, v);
  }
  const ip = resolveClientIp(req.socket.remoteAddress, undefined, 0);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    // The IncomingMessage itself, as Next passes it (NextRequestAdapter): undici reads it as
    // an async iterable, one chunk per pull, and cancelling the body stops it cleanly.
    // (Readable.toWeb on Node 20 throws "Controller is already closed" when cancelled mid-flow.)
    body: hasBody ? (req as unknown as ReadableStream<Uint8Array>) : undefined,
    signal,
    // Required by undici for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

function jsonError(res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...extra });
  res.end(JSON.stringify({ type: "error", error: { type: status === 404 ? "not_found_error" : "invalid_request_error", message } }));
}

async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.flushHeaders();

  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel(new Error("client went away")).catch(() => {});
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve));
    }
    res.end();
  } catch {
    // The body failed mid-stream: cut the connection so the client sees an incomplete response.
    res.destroy();
  } finally {
    res.off("close", onClose);
  }
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startRouteServer(routes: RouteTable): Promise<RouteServer> {
  const table = compile(routes);
  let origin = "http://127.0.0.1";

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    let found: { route: CompiledRoute; params: Record<string, string | string[]> } | null = null;
    for (const route of table) {
      const params = match(route, parts);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (!found) return jsonError(res, 404, `route-server: nothing mounted at ${url.pathname}`);
    const handler = found.route.methods[req.method ?? "GET"];
    if (!handler) {
      return jsonError(res, 405, `route-server: ${req.method} not mounted at ${url.pathname}`, {
        allow: Object.keys(found.route.methods).join(", "),
      });
    }

    const aborted = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    const params = found.params;
    void (async () => {
      try {
        const response = await handler(toRequest(req, origin, aborted.signal), { params: Promise.resolve(params) });
        await writeResponse(res, response);
      } catch (error) {
        // Route handlers catch their own errors; this is the route server's safety net.
        if (!res.headersSent) jsonError(res, 500, `route-server: handler threw: ${error instanceof Error ? error.message : String(error)}`);
        else res.destroy();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
