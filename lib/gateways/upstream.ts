/**
 * Forwarding to an Anthropic-compatible upstream. The caller's Keysmith token
 * never leaves the console: the upstream gets the gateway's own (decrypted)
 * key. Bounded by a timeout (KEYSMITH_UPSTREAM_TIMEOUT_MS, default 30 s) for
 * the response (a whole non-streamed answer, a stream's headers) and by the
 * same idle timeout between streamed chunks.
 *
 * The upstream URL is chosen by an org admin, so it is not trusted: calls go
 * through the egress agent (lib/net/egress-agent.ts), redirects are not
 * followed, and the caller never sees a byte of an upstream's error body —
 * each failure class has a fixed message and at most the upstream's status.
 */
import "server-only";
import type { HeaderReader } from "@/lib/api/request";
import { fetch, type Agent, type Response } from "undici";
import { ApiError } from "@/lib/api/responses";
import { egressAgent } from "@/lib/net/egress-agent";
import { systemLookup, upstreamUrlProblem, type Lookup } from "@/lib/net/egress";
import { HOP_HEADER } from "./hop";
import { sse, type Usage } from "./messages";

export function upstreamTimeoutMs(): number {
  return Number(process.env.KEYSMITH_UPSTREAM_TIMEOUT_MS ?? 30_000);
}

/** A hostile upstream must not be able to fill the server's memory with one answer. */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;

export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string | null;
}

const PASSED_HEADERS = ["anthropic-version", "anthropic-beta"];

/** One message for a forbidden address, a failed lookup and a closed port alike: no map of what is listening where. */
export const UNREACHABLE = "The upstream could not be reached.";
const TOO_SLOW = "The upstream did not answer in time.";
const INVALID = "The upstream sent an invalid response.";

let agent: Agent | undefined;

function upstreamAgent(): Agent {
  return (agent ??= egressAgent(systemLookup));
}

/** Resolves upstream host names with `lookup` from now on (tests play DNS with it); the default is the system resolver. */
export function setUpstreamLookup(lookup: Lookup = systemLookup): void {
  const previous = agent;
  agent = egressAgent(lookup);
  void previous?.close().catch(() => {});
}

/**
 * Opens the upstream call. The deadline covers the response headers (and, via
 * the caller, a non-streamed body); it is not attached to a stream's body, so
 * a long answer that keeps flowing is never cut off — the idle timeout in
 * meterEventStream guards streams instead.
 */
async function open(target: UpstreamTarget, path: string, body: unknown, incoming: HeaderReader, controller: AbortController): Promise<Response> {
  // A row saved before the URL rules (or written around them) is refused like any unreachable host.
  if (upstreamUrlProblem(target.baseUrl)) throw new ApiError(502, UNREACHABLE);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  for (const h of PASSED_HEADERS) {
    const v = incoming.get(h);
    if (v) headers[h] = v;
  }
  headers["anthropic-version"] ??= "2023-06-01";
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  headers[HOP_HEADER] = "1";
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: controller.signal,
      // A redirect is answered as a failure (3xx below): following it could lead anywhere.
      redirect: "manual",
      dispatcher: upstreamAgent(),
    });
  } catch {
    throw new ApiError(controller.signal.aborted ? 504 : 502, controller.signal.aborted ? TOO_SLOW : UNREACHABLE);
  }
  if (response.ok) return response;
  discard(response);
  throw upstreamError(response.status, response.headers.get("retry-after"));
}

/** Drops a body unread: an upstream's text never reaches the caller. */
function discard(response: Response): void {
  void response.body?.cancel().catch(() => {});
}

function deadline(): { controller: AbortController; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), upstreamTimeoutMs());
  return { controller, clear: () => clearTimeout(timer) };
}

/** "application/json; charset=utf-8" → "application/json". */
function mediaType(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/** The body as text, refused once it passes `limit` bytes (declared or actually sent). */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (Number(response.headers.get("content-length")) > limit) {
    discard(response);
    throw new ApiError(502, INVALID);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > limit) throw new ApiError(502, INVALID); // leaving the loop cancels the body
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A non-streamed call: headers and body within the deadline; anything but a JSON body is the upstream's fault (502). */
export async function upstreamJson(target: UpstreamTarget, path: string, body: unknown, incoming: HeaderReader): Promise<unknown> {
  const { controller, clear } = deadline();
  try {
    const response = await open(target, path, body, incoming, controller);
    if (mediaType(response) !== "application/json") {
      discard(response);
      throw new ApiError(502, INVALID);
    }
    try {
      return JSON.parse(await readCapped(response, MAX_JSON_BYTES));
    } catch (error) {
      if (controller.signal.aborted) throw new ApiError(504, TOO_SLOW);
      throw error instanceof ApiError ? error : new ApiError(502, INVALID);
    }
  } finally {
    clear();
  }
}

/** A streamed call: the deadline ends once the headers arrive; only an event stream is relayed. */
export async function upstreamStream(target: UpstreamTarget, path: string, body: unknown, incoming: HeaderReader): Promise<ReadableStream<Uint8Array>> {
  const { controller, clear } = deadline();
  try {
    const response = await open(target, path, body, incoming, controller);
    if (mediaType(response) !== "text/event-stream" || !response.body) {
      discard(response);
      throw new ApiError(502, "The upstream did not answer with an event stream.");
    }
    return response.body as ReadableStream<Uint8Array>;
  } finally {
    clear();
  }
}

/** delta-seconds as sent, or a date rewritten from its parsed value: none of the upstream's text is passed on. */
function retryAfterHeader(raw: string | null): Record<string, string> {
  const value = raw?.trim() ?? "";
  if (/^\d{1,10}$/.test(value)) return { "retry-after": value };
  const at = Date.parse(value);
  return Number.isNaN(at) ? {} : { "retry-after": new Date(at).toUTCString() };
}

/**
 * Maps an upstream failure to what the caller should see: a fixed message per
 * class plus the upstream's status, never the upstream's credentials problem
 * as the caller's 401.
 */
function upstreamError(status: number, retryAfter: string | null): ApiError {
  if (status === 400 || status === 404 || status === 413) return new ApiError(status, `The upstream refused the request (${status}).`);
  if (status === 429) return new ApiError(429, "The upstream is rate limiting this gateway (429).", retryAfterHeader(retryAfter));
  if (status === 401 || status === 403) return new ApiError(502, `The upstream rejected the gateway's credentials (${status}).`);
  if (status === 503 || status === 529) return new ApiError(503, `The upstream is overloaded (${status}).`, retryAfterHeader(retryAfter));
  if (status >= 300 && status < 400) return new ApiError(502, `The upstream answered with a redirect (${status}), which the gateway does not follow.`);
  return new ApiError(502, `The upstream failed (${status}).`);
}

/** Anthropic's events are small: past this, the unfinished event is no longer kept for metering. */
const MAX_EVENT_CHARS = 1024 * 1024;

/**
 * Passes an upstream event stream through chunk by chunk (no buffering) while
 * reading the usage figures out of `message_start` and `message_delta`.
 */
export function meterEventStream(body: ReadableStream<Uint8Array>, onDone: (usage: Usage) => void): ReadableStream<Uint8Array> {
  const usage: Usage = { input_tokens: 0, output_tokens: 0 };
  const decoder = new TextDecoder();
  let buffered = "";
  const idleMs = upstreamTimeoutMs();
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      onDone(usage);
    }
  };
  const inspect = (text: string) => {
    buffered += text;
    let cut: number;
    while ((cut = buffered.indexOf("\n\n")) >= 0) {
      const event = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      const data = event.split("\n").find((l) => l.startsWith("data:"));
      if (!data) continue;
      try {
        const parsed = JSON.parse(data.slice(5)) as { type?: string; message?: { usage?: Partial<Usage> }; usage?: Partial<Usage> };
        if (parsed.type === "message_start") usage.input_tokens = parsed.message?.usage?.input_tokens ?? usage.input_tokens;
        if (parsed.type === "message_delta") usage.output_tokens = parsed.usage?.output_tokens ?? usage.output_tokens;
      } catch {
        // Not JSON: pass it on untouched.
      }
    }
    // Bounds memory against an upstream that never ends an event; the bytes still pass through.
    if (buffered.length > MAX_EVENT_CHARS) buffered = "";
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("upstream stream idle")), idleMs);
      });
      try {
        const { done, value } = await Promise.race([reader.read(), idle]);
        if (done) {
          finish();
          controller.close();
          return;
        }
        inspect(decoder.decode(value, { stream: true }));
        controller.enqueue(value);
      } catch {
        // Tell the client in Anthropic's own terms rather than cutting the stream silently.
        void reader.cancel().catch(() => {});
        finish();
        controller.enqueue(
          new TextEncoder().encode(
            sse("error", { type: "error", error: { type: "api_error", message: "The upstream stream stopped before it finished." } }),
          ),
        );
        controller.close();
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
