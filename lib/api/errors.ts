/**
 * The one error shape of every API (SPEC §4): `{"type": "error", "error": {"type", "message"}}`.
 * `error.type` uses Anthropic's names, so the gateway API's errors are what
 * Anthropic's SDKs expect, and the Workspace API's read the same way.
 */
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
  return Response.json(
    { type: "error", error: { type, message } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}
