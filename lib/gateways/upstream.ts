/**
 * Forwarding to an Anthropic-compatible upstream. The caller's Keysmith token
 * never leaves the console: the upstream gets the gateway's own (decrypted)
 * key. Bounded by a timeout (KEYSMITH_UPSTREAM_TIMEOUT_MS, default 30 s) for
 * the response (a whole non-streamed answer, a stream's headers) and by the
 * same idle timeout between streamed chunks.
 */
import { ApiError } from "@/lib/api/errors";
import { sse, type Usage } from "./messages";

export function upstreamTimeoutMs(): number {
  return Number(process.env.KEYSMITH_UPSTREAM_TIMEOUT_MS ?? 30_000);
}

export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string | null;
}

const PASSED_HEADERS = ["anthropic-version", "anthropic-beta"];

/**
 * Opens the upstream call. The deadline covers the response headers (and, via
 * the caller, a non-streamed body); it is not attached to a stream's body, so
 * a long answer that keeps flowing is never cut off — the idle timeout in
 * meterEventStream guards streams instead.
 */
async function open(target: UpstreamTarget, path: string, body: unknown, incoming: Headers, controller: AbortController): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  for (const h of PASSED_HEADERS) {
    const v = incoming.get(h);
    if (v) headers[h] = v;
  }
  headers["anthropic-version"] ??= "2023-06-01";
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: controller.signal,
      redirect: "error",
    });
  } catch {
    throw controller.signal.aborted
      ? new ApiError(504, "The upstream did not answer in time.")
      : new ApiError(502, "The upstream could not be reached.");
  }
  if (response.ok) return response;
  throw await upstreamError(response);
}

function deadline(): { controller: AbortController; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), upstreamTimeoutMs());
  return { controller, clear: () => clearTimeout(timer) };
}

/** A non-streamed call: headers and body within the deadline; a body that is not JSON is the upstream's fault (502). */
export async function upstreamJson(target: UpstreamTarget, path: string, body: unknown, incoming: Headers): Promise<unknown> {
  const { controller, clear } = deadline();
  try {
    const response = await open(target, path, body, incoming, controller);
    try {
      return await response.json();
    } catch {
      throw controller.signal.aborted
        ? new ApiError(504, "The upstream did not answer in time.")
        : new ApiError(502, "The upstream sent an invalid response.");
    }
  } finally {
    clear();
  }
}

/** A streamed call: the deadline ends once the headers arrive. */
export async function upstreamStream(target: UpstreamTarget, path: string, body: unknown, incoming: Headers): Promise<ReadableStream<Uint8Array>> {
  const { controller, clear } = deadline();
  try {
    const response = await open(target, path, body, incoming, controller);
    if (!response.body) throw new ApiError(502, "The upstream sent an empty stream.");
    return response.body;
  } finally {
    clear();
  }
}

/** Maps an upstream failure to what the caller should see (never the upstream's credentials problem as the caller's 401). */
async function upstreamError(response: Response): Promise<ApiError> {
  let message = `The upstream answered ${response.status}.`;
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") message = `Upstream error: ${body.error.message}`;
  } catch {
    // Not JSON: keep the generic message.
  }
  const retryAfter = response.headers.get("retry-after");
  if (response.status === 400 || response.status === 404 || response.status === 413) return new ApiError(response.status, message);
  if (response.status === 429) return new ApiError(429, message, retryAfter ? { "retry-after": retryAfter } : {});
  if (response.status === 401 || response.status === 403) return new ApiError(502, "The gateway's upstream rejected its credentials.");
  if (response.status === 529 || response.status === 503) return new ApiError(503, message, retryAfter ? { "retry-after": retryAfter } : {});
  return new ApiError(502, message);
}

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
