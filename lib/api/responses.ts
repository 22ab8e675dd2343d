/**
 * What every API answers (docs/contract.md §4): JSON, never cached, and one
 * error shape, `{"type": "error", "error": {"type", "message"}}`. `error.type`
 * uses Anthropic's names, so the gateway API's errors are what Anthropic's SDKs
 * expect, and the Workspace API's read the same way.
 */
import "server-only";
import { DomainError } from "@/lib/errors";

export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "rate_limit_error"
  | "request_too_large"
  | "api_error"
  | "overloaded_error";

const TYPE_FOR_STATUS: Record<number, ApiErrorType> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  503: "overloaded_error",
  504: "api_error",
};

/** A refusal at the HTTP level (authentication, the body, the upstream); domain refusals are DomainErrors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** One message for every authentication failure: no oracle telling a revoked token from a garbage one. */
export const UNAUTHENTICATED = "Invalid or missing API token.";

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  const type = TYPE_FOR_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return json({ type: "error", error: { type, message } }, status, headers);
}

/**
 * A JSON answer that keeps its text: the data plane writes `serialized` to the
 * socket as it is, instead of making (and then draining) a body stream for it on
 * every call. Anyone else reads it like any Response.
 */
export class JsonResponse extends Response {
  constructor(
    readonly serialized: string,
    init: { status: number; headers: Record<string, string> },
  ) {
    super(null, { status: init.status, headers: { "content-type": "application/json", ...init.headers } });
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return new Blob([this.serialized]).stream() as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override async text(): Promise<string> {
    return this.serialized;
  }

  override async json(): Promise<unknown> {
    return JSON.parse(this.serialized);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return new TextEncoder().encode(this.serialized).buffer as ArrayBuffer;
  }
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new JsonResponse(JSON.stringify(data), { status, headers: { "cache-control": "no-store", ...headers } });
}

function isDatabaseUnavailable(error: unknown): boolean {
  const codes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P01", "57P03", "P1001", "P1002", "P1017", "08006", "08001"]);
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e === "object" && e !== null) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string" && codes.has(code)) return true;
      if (e instanceof Error && /ECONNREFUSED|Connection terminated|Can't reach database/i.test(e.message)) return true;
      e = (e as { cause?: unknown }).cause;
    } else break;
  }
  return false;
}

/** Turns anything thrown into the JSON error shape: never an HTML page or a stack trace. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError || error instanceof DomainError) return errorResponse(error.status, error.message, error.headers);
  if (isDatabaseUnavailable(error)) {
    return errorResponse(503, "The service is temporarily unavailable. Try again shortly.", { "retry-after": "5" });
  }
  console.error("api error:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown");
  return errorResponse(500, "Internal error.");
}
