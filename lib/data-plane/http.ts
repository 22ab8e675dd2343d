/**
 * The data plane on Node's own HTTP server: what `scripts/serve.ts` hands a
 * request to before Next.js ever sees it (docs/architecture.md "The data plane").
 * Handlers are web-standard `(Request) → Response` functions over lib/; this
 * file turns Node's request into a Request and streams the Response back, chunk
 * by chunk as the handler produces it (gateway event streams).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_IP_HEADER } from "@/lib/request-info";
import { compileRoutes, type RouteTable } from "./router";

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" };

function jsonError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  const type = status === 404 ? "not_found_error" : status === 405 ? "invalid_request_error" : "api_error";
  res.writeHead(status, { ...JSON_HEADERS, ...extra });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

/**
 * The Request a handler sees. Headers come from the raw header list (a client
 * cannot set the client-address header: ours replaces it); the body is the
 * IncomingMessage itself, which undici reads chunk by chunk and which a
 * handler may cancel without reading (a body over its cap).
 */
function toRequest(req: IncomingMessage, origin: string, clientIp: string | null, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === CLIENT_IP_HEADER.length && raw[i].toLowerCase() === CLIENT_IP_HEADER) continue;
    headers.append(raw[i], raw[i + 1]);
  }
  if (clientIp) headers.set(CLIENT_IP_HEADER, clientIp);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(origin + (req.url ?? "/"), {
    method,
    headers,
    body: hasBody ? (req as unknown as ReadableStream<Uint8Array>) : undefined,
    signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  // An API answer is never to be sniffed into something a browser would run.
  const headers: Record<string, string | string[]> = { "x-content-type-options": "nosniff" };
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // Send the headers now: a stream's first event must not wait for its second.
  res.flushHeaders();
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

export interface DataPlane {
  /** Whether the data plane serves this path (the rest goes to the console). */
  owns(pathname: string): boolean;
  /** Serves one request: matches, runs the handler, writes the answer. */
  handle(req: IncomingMessage, res: ServerResponse, clientIp: string | null): void;
}

/**
 * A data plane over `table`, owning the paths under `prefixes`. `origin`
 * builds each Request's URL (handlers read the path and query from it).
 */
export function createDataPlane(table: RouteTable, options: { prefixes: string[]; origin: () => string }): DataPlane {
  const match = compileRoutes(table);
  return {
    owns: (pathname) => options.prefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`)),
    handle(req, res, clientIp) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const found = match(q < 0 ? url : url.slice(0, q), req.method ?? "GET");
      if ("status" in found) {
        if (found.status === 405) return jsonError(res, 405, `${req.method} is not allowed here.`, { allow: found.allow });
        return jsonError(res, 404, "No such endpoint.");
      }
      const aborted = new AbortController();
      res.once("close", () => {
        if (!res.writableFinished) aborted.abort();
      });
      void (async () => {
        try {
          const response = await found.handler(toRequest(req, options.origin(), clientIp, aborted.signal), found.params);
          await writeResponse(res, response);
        } catch (error) {
          // Handlers answer their own errors; this only catches a bug.
          console.error("data plane:", error instanceof Error ? error.message : error);
          if (!res.headersSent) jsonError(res, 500, "Internal error.");
          else res.destroy();
        }
      })();
    },
  };
}
