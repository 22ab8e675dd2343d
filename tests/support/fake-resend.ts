import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/**
 * A stand-in for Resend's HTTP API (just `POST /emails`) on 127.0.0.1, so the
 * real `resend` SDK can be pointed at it with RESEND_BASE_URL.
 *
 * - 200 `{"id": "<uuid>"}` for a valid mail; 401/422 Resend-style errors for a
 *   missing API key or a missing field.
 * - `Idempotency-Key`: a repeated key with the same payload answers the first
 *   id again and records no second delivery; the same key with a different
 *   payload answers 409 `invalid_idempotent_request`, as Resend does.
 * - Failure modes: `failNext(n)` and `setDown(true)` answer 500 (nothing is
 *   accepted); `loseResponses(n)` accepts and records the mail, then destroys
 *   the socket before answering (the sender sees a network error);
 *   `setLatency(ms)` makes every request wait before it is handled.
 */
export interface FakeResendMail {
  /** The id Resend answered (or would have answered, for a lost response). */
  id: string;
  idempotencyKey: string | null;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export type FakeResendOutcome = "accepted" | "replayed" | "lost" | "failed" | "rejected";

export interface FakeResendRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  authorization: string | null;
  /** The parsed JSON body (undefined if it was not JSON). */
  body: unknown;
  outcome: FakeResendOutcome;
  status: number | null;
}

export interface FakeResend {
  /** e.g. http://127.0.0.1:41234 (no trailing slash): the value for RESEND_BASE_URL. */
  url: string;
  /** Unique accepted mails, in order (a replayed idempotency key adds nothing). */
  deliveries: FakeResendMail[];
  /** Every request that reached the server, in order, including failed and lost ones. */
  requests: FakeResendRequest[];
  /** Deliveries whose `to` includes the address. */
  deliveriesTo(address: string): FakeResendMail[];
  /** The next n requests answer 500 without accepting anything. */
  failNext(n: number): void;
  /** While down, every request answers 500 without accepting anything. */
  setDown(down: boolean): void;
  /** The next n mails are accepted and recorded, but the connection is destroyed before any answer. */
  loseResponses(n: number): void;
  /** Every request waits this long before it is handled (a slow provider). */
  setLatency(ms: number): void;
  /** Forgets deliveries, requests, idempotency keys, failure modes and latency. */
  reset(): void;
  close(): Promise<void>;
}

interface ResendError {
  statusCode: number;
  name: string;
  message: string;
}

const INTERNAL_ERROR: ResendError = {
  statusCode: 500,
  name: "internal_server_error",
  message: "An unexpected error occurred, please try again later.",
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function validate(body: unknown): ResendError | { from: string; to: string[]; subject: string; html: string; text: string } {
  if (typeof body !== "object" || body === null) {
    return { statusCode: 422, name: "validation_error", message: "Invalid JSON body." };
  }
  const b = body as Record<string, unknown>;
  for (const field of ["from", "to", "subject"]) {
    if (b[field] === undefined || b[field] === "") {
      return { statusCode: 422, name: "missing_required_field", message: `Missing \`${field}\` field.` };
    }
  }
  const to = Array.isArray(b.to) ? b.to : [b.to];
  if (!to.every((t): t is string => typeof t === "string") || typeof b.from !== "string" || typeof b.subject !== "string") {
    return { statusCode: 422, name: "validation_error", message: "Invalid `from`, `to` or `subject`." };
  }
  return {
    from: b.from,
    to,
    subject: b.subject,
    html: typeof b.html === "string" ? b.html : "",
    text: typeof b.text === "string" ? b.text : "",
  };
}

export async function startFakeResend(): Promise<FakeResend> {
  const deliveries: FakeResendMail[] = [];
  const requests: FakeResendRequest[] = [];
  /** Idempotency key → the mail it delivered and a fingerprint of its payload. */
  const byKey = new Map<string, { mail: FakeResendMail; payload: string }>();
  let failures = 0;
  let down = false;
  let losses = 0;
  let latency = 0;

  function send(res: http.ServerResponse, record: FakeResendRequest, status: number, body: unknown) {
    record.status = status;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = parseJson(raw);
    const idempotencyKey = header(req, "idempotency-key");
    const record: FakeResendRequest = {
      method: req.method ?? "",
      path: (req.url ?? "").split("?")[0],
      idempotencyKey,
      authorization: header(req, "authorization"),
      body,
      outcome: "rejected",
      status: null,
    };
    requests.push(record);
    if (latency > 0) await delay(latency);

    if (record.method !== "POST" || record.path !== "/emails") {
      return send(res, record, 404, { statusCode: 404, name: "not_found", message: "The requested endpoint does not exist." });
    }
    if (down || failures > 0) {
      if (!down) failures--;
      record.outcome = "failed";
      return send(res, record, 500, INTERNAL_ERROR);
    }
    if (!record.authorization?.startsWith("Bearer re_")) {
      return send(res, record, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key in the authorization header." });
    }
    const parsed = validate(body);
    if ("statusCode" in parsed) return send(res, record, parsed.statusCode, parsed);

    const payload = JSON.stringify(parsed);
    let mail: FakeResendMail;
    const previous = idempotencyKey === null ? undefined : byKey.get(idempotencyKey);
    if (previous) {
      if (previous.payload !== payload) {
        return send(res, record, 409, {
          statusCode: 409,
          name: "invalid_idempotent_request",
          message: "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
        });
      }
      mail = previous.mail;
      record.outcome = "replayed";
    } else {
      mail = { id: randomUUID(), idempotencyKey, ...parsed };
      deliveries.push(mail);
      if (idempotencyKey !== null) byKey.set(idempotencyKey, { mail, payload });
      record.outcome = "accepted";
    }

    if (losses > 0) {
      losses--;
      record.outcome = "lost";
      // Accepted on our side; the client never learns it.
      req.socket.destroy();
      return;
    }
    send(res, record, 200, { id: mail.id });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    requests,
    deliveriesTo: (address) => deliveries.filter((m) => m.to.includes(address)),
    failNext(n) {
      failures = n;
    },
    setDown(value) {
      down = value;
    },
    loseResponses(n) {
      losses = n;
    },
    setLatency(ms) {
      latency = ms;
    },
    reset() {
      deliveries.length = 0;
      requests.length = 0;
      byKey.clear();
      failures = 0;
      down = false;
      losses = 0;
      latency = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
