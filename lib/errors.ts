/**
 * The one error a domain service throws when it refuses a request: a duplicate
 * name, something that is not in the org, the last admin leaving. The action
 * frame (lib/actions/frame.ts) turns it into a form error on `field`; the API
 * routes (lib/api/errors.ts toErrorResponse) into the JSON error with `status`.
 * Anything else thrown is a bug: logged, and answered without details.
 */
export type DomainErrorCode = "invalid" | "forbidden" | "not_found" | "conflict" | "rate_limited";

const STATUS: Record<DomainErrorCode, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429 };

export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the message is about, if one is. */
    readonly field?: string,
    /** HTTP headers the API answer carries (a 429's retry-after). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** The server cannot start as configured (a missing secret, an unknown role): one clear line, no stack trace. */
export class ConfigError extends Error {}
