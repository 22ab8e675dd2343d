import "server-only";
import type { ApiRequest } from "./request";
import type { z } from "zod";
import { ApiError } from "./responses";

/**
 * Request bodies, read defensively: one request must never cost the server more
 * than its cap in memory, nor a recursion as deep as the client likes.
 *
 * The media type is checked and a declared content-length over the cap refused
 * before a byte is read; the bytes are then counted as they stream in (a
 * content-length is only a claim) and decoded as strict UTF-8; nesting deeper
 * than MAX_JSON_DEPTH is refused by a linear scan before JSON.parse; last the
 * schema. Every refusal is the API's JSON error shape with a 4xx.
 */

const MIB = 1024 * 1024;

/** What a body may weigh unless the route says otherwise: the Workspace API's bodies are a name and a few fields. */
export const DEFAULT_MAX_BODY_BYTES = MIB;

/** Arrays and objects nested deeper than this are refused before JSON.parse sees them. */
export const MAX_JSON_DEPTH = 64;

export interface BodyOptions {
  /** The cap in bytes (default DEFAULT_MAX_BODY_BYTES). */
  maxBytes?: number;
}

// An answer sent before the body has been read to its end closes the connection:
// the client stops sending, and the server neither drains the rest nor reads it
// as the next request.
const CLOSE = { connection: "close" };

const JSON_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json$/;
const UTF8 = /^"?utf-?8"?$/;

/** `application/json` or `application/*+json`; a charset parameter must say UTF-8 (JSON is UTF-8, RFC 8259). */
function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(";");
  if (!JSON_TYPE.test(type.trim().toLowerCase())) return false;
  return params.every((param) => {
    const [name, value = ""] = param.split("=", 2);
    return name.trim().toLowerCase() !== "charset" || UTF8.test(value.trim().toLowerCase());
  });
}

function describeBytes(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `The request body is larger than the limit of ${describeBytes(maxBytes)}.`, CLOSE);
}

/** Stops a body nobody will read further; what the stream says on the way out no longer matters. */
function discard(body: ReadableStream<Uint8Array> | null): void {
  if (body && !body.locked) void body.cancel().catch(() => {});
}

/**
 * The body's chunks as they arrive: at most `maxBytes` bytes are ever let
 * through, and the reader is cancelled as soon as the count passes the cap
 * (413) or the consumer stops early.
 */
async function* cappedChunks(request: ApiRequest, maxBytes: number): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    discard(request.body);
    throw tooLarge(maxBytes);
  }
  if (!request.body) return;

  const reader = request.body.getReader();
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new ApiError(400, "The request body could not be read.", CLOSE);
      }
      if (chunk.done) break;
      received += chunk.value.byteLength;
      if (received > maxBytes) throw tooLarge(maxBytes);
      yield chunk.value;
    }
    finished = true;
  } finally {
    if (!finished) void reader.cancel().catch(() => {});
  }
}

/** The body as text, decoded strictly as it streams in (a body that is not UTF-8 stops at the first bad byte). */
async function readBodyText(request: ApiRequest, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = "";
  for await (const chunk of cappedChunks(request, maxBytes)) text += decodeUtf8(decoder, chunk, CLOSE);
  return text + decodeUtf8(decoder, undefined, {});
}

/**
 * The exact bytes of a JSON body, for a route that checks a signature over
 * them before reading them as JSON (parseJsonBytes). 415 and 413 as parseJson.
 */
export async function readRawJsonBody(request: ApiRequest, options: BodyOptions = {}): Promise<Buffer> {
  requireJson(request);
  const chunks: Uint8Array[] = [];
  for await (const chunk of cappedChunks(request, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function requireJson(request: ApiRequest): void {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    discard(request.body);
    throw new ApiError(415, 'The request body must be JSON, sent with "content-type: application/json".', CLOSE);
  }
}

/** One chunk through the strict decoder (`undefined` = the end: a sequence cut off there is invalid too). */
function decodeUtf8(decoder: TextDecoder, chunk: Uint8Array | undefined, headers: Record<string, string>): string {
  try {
    return decoder.decode(chunk, { stream: chunk !== undefined });
  } catch {
    throw new ApiError(400, "The request body is not valid UTF-8.", headers);
  }
}

/**
 * Whether arrays and objects nest deeper than `limit`: one pass, no recursion,
 * brackets inside strings (escaped quotes included) do not count.
 */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/**
 * Reads a JSON body and validates it against a schema. 415: not JSON; 413: over
 * the cap; 400: not UTF-8, nested too deep, not JSON, or a bad field (named).
 */
export async function parseJson<S extends z.ZodType>(request: ApiRequest, schema: S, options: BodyOptions = {}): Promise<z.output<S>> {
  requireJson(request);
  return parseJsonText(await readBodyText(request, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES), schema);
}

/** Bytes read with readRawJsonBody, as parseJson would read them: strict UTF-8, bounded depth, the schema. */
export function parseJsonBytes<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return parseJsonText(decodeUtf8(decoder, bytes, {}) + decodeUtf8(decoder, undefined, {}), schema);
}

function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ApiError(400, `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body must be valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".");
    throw new ApiError(400, field ? `Invalid field "${field}": ${issue.message}` : `Invalid request: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads the query string with a schema: a bad parameter is a 400 naming it. */
export function parseQuery<S extends z.ZodType>(request: ApiRequest, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ApiError(400, `Invalid query parameter "${issue.path.join(".")}": ${issue.message}`);
}
