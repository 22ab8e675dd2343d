/**
 * The data plane on Node's own HTTP server: what `scripts/serve.ts` hands a
 * request to before Next.js ever sees it (docs/architecture.md "The data plane").
 * Handlers are `(ApiRequest) → Response` functions over lib/ (a web Request
 * fits too); this file hands them a light view of Node's request and writes
 * the Response back: a JSON answer in one write with its headers, an event
 * stream chunk by chunk as the handler produces it.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { ApiRequest, HeaderReader } from "@/lib/api/request";
import { JsonResponse } from "@/lib/api/responses";
import { CLIENT_IP_HEADER } from "@/lib/request-info";
import { compileRoutes, type RouteTable } from "./router";

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" };

function jsonError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  const type = status === 404 ? "not_found_error" : status === 405 ? "invalid_request_error" : "api_error";
  res.writeHead(status, { ...JSON_HEADERS, ...extra });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

/**
 * Node's request headers as handlers read them. The client address is ours,
 * resolved from the socket: a client cannot set that header.
 */
class NodeHeaders implements HeaderReader {
  constructor(
    private readonly raw: IncomingHttpHeaders,
    private readonly clientIp: string | null,
  ) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === CLIENT_IP_HEADER) return this.clientIp;
    const v = this.raw[key];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }
}

/**
 * The request body as a web stream, read on demand. Cancelling it (a body over
 * its cap) only stops reading: the answer still goes out, and its
 * `connection: close` ends the socket.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => controller.close());
        req.once("error", (error) => controller.error(error));
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        req.removeAllListeners("data");
        req.pause();
      },
    },
    { highWaterMark: 4 },
  );
}

/** What a handler sees of Node's request (lib/api/request.ts): no Request, Headers or AbortSignal is made for it. */
class NodeRequest implements ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaders;
  #body: ReadableStream<Uint8Array> | null | undefined;

  constructor(
    private readonly req: IncomingMessage,
    origin: string,
    clientIp: string | null,
    readonly route: string,
  ) {
    this.method = req.method ?? "GET";
    this.url = origin + (req.url ?? "/");
    this.headers = new NodeHeaders(req.headers, clientIp);
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) this.#body = this.method === "GET" || this.method === "HEAD" ? null : bodyStream(this.req);
    return this.#body;
  }

  async text(): Promise<string> {
    const body = this.body;
    return body ? new Response(body).text() : "";
  }
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
  // A JSON answer is written with its headers in one go.
  if (response instanceof JsonResponse) return void res.end(response.serialized);
  if (!response.body) return void res.end();
  // Any other body may be a stream (the gateway's events): send the headers now, so
  // the first chunk does not wait for the second, then each chunk as it comes.
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
      void (async () => {
        try {
          const response = await found.handler(new NodeRequest(req, options.origin(), clientIp, found.route), found.params);
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
