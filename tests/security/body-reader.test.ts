import { describe, expect, it } from "vitest";
import { z } from "zod";

import { DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH, parseJson } from "@/lib/api/body";
import { toErrorResponse } from "@/lib/api/responses";

/**
 * lib/api/body.ts on in-process Requests: the media type, the byte cap (at the
 * limit, over it, declared or counted, a content-length that lies), strict
 * UTF-8, the depth limit, then JSON and the schema.
 */

const anything = z.unknown();
const enc = new TextEncoder();
const nested = (depth: number, open = "[", close = "]") => open.repeat(depth) + close.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);

function post(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request("http://test/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

/**
 * A body of `chunks` chunks of `chunkBytes` bytes, produced only when read
 * (highWaterMark 0: nothing is pulled ahead), recording what was pulled and
 * whether it was cancelled.
 */
function meteredBody(chunks: number, chunkBytes: number) {
  const seen = { pulls: 0, bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulls === chunks) return controller.close();
        seen.pulls++;
        seen.bytes += chunkBytes;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

/** A stream of the given byte chunks, one per read. */
function chunked(...chunks: number[][]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]));
      else controller.close();
    },
  });
}

/** The refusal parseJson throws, as the API would answer it. */
async function refusal(pending: Promise<unknown>) {
  const error = await pending.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected parseJson to refuse the body");
  const response = toErrorResponse(error);
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe("error");
  return { status: response.status, type: body.error.type, message: body.error.message, connection: response.headers.get("connection") };
}

describe("media type", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    'application/json; charset="utf-8"',
    "Application/JSON",
    "application/vnd.api+json",
    "application/problem+json; charset=utf-8",
  ])("%s is read", async (type) => {
    expect(await parseJson(post('{"a":1}', { "content-type": type }), anything)).toEqual({ a: 1 });
  });

  it.each([
    ["text/plain", "text/plain"],
    ["text/plain;charset=UTF-8 (what fetch sends for a string)", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["text/json", "text/json"],
    ["application/jsonp", "application/jsonp"],
    ["application/json-seq", "application/json-seq"],
    ["JSON in another charset", "application/json; charset=iso-8859-1"],
  ])("%s → 415 invalid_request_error, connection closed", async (_, type) => {
    const r = await refusal(parseJson(post('{"a":1}', { "content-type": type }), anything));
    expect(r).toMatchObject({ status: 415, type: "invalid_request_error", connection: "close" });
    expect(r.message).toMatch(/application\/json/);
  });

  it("no content-type at all → 415, without reading the body", async () => {
    const { stream, seen } = meteredBody(4, 1024);
    expect(await refusal(parseJson(post(stream, {}), anything))).toMatchObject({ status: 415 });
    expect(seen).toEqual({ pulls: 0, bytes: 0, cancelled: true });
  });
});

describe("the byte cap", () => {
  const exactly = (bytes: number) => `"${"a".repeat(bytes - 2)}"`;

  it("a body of exactly the cap is read; one byte more → 413 request_too_large, connection closed", async () => {
    expect(await parseJson(post(exactly(1000)), anything, { maxBytes: 1000 })).toHaveLength(998);
    const r = await refusal(parseJson(post(exactly(1001)), anything, { maxBytes: 1000 }));
    expect(r).toEqual({ status: 413, type: "request_too_large", message: "The request body is larger than the limit of 1000 bytes.", connection: "close" });
  });

  it(`the default cap is ${DEFAULT_MAX_BODY_BYTES} bytes (1 MiB)`, async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(await parseJson(post(exactly(DEFAULT_MAX_BODY_BYTES)), anything)).toHaveLength(DEFAULT_MAX_BODY_BYTES - 2);
    const r = await refusal(parseJson(post(exactly(DEFAULT_MAX_BODY_BYTES + 1)), anything));
    expect(r).toMatchObject({ status: 413, message: "The request body is larger than the limit of 1 MiB." });
  });

  it("a declared content-length over the cap → 413 at once: not a byte read, the body cancelled", async () => {
    const { stream, seen } = meteredBody(64, 64 * 1024);
    const request = post(stream, { "content-type": "application/json", "content-length": String(4 * 1024 * 1024) });
    expect(await refusal(parseJson(request, anything))).toMatchObject({ status: 413, connection: "close" });
    expect(seen).toEqual({ pulls: 0, bytes: 0, cancelled: true });
  });

  it("a content-length that lies (declares 16 bytes, sends 4 MiB) is still capped: reading stops one chunk past the cap", async () => {
    const { stream, seen } = meteredBody(64, 64 * 1024);
    const request = post(stream, { "content-type": "application/json", "content-length": "16" });
    expect(await refusal(parseJson(request, anything))).toMatchObject({ status: 413, connection: "close" });
    expect(seen.bytes).toBe(1024 * 1024 + 64 * 1024);
    expect(seen.cancelled).toBe(true);
  });

  it("without a content-length, bytes are counted as they stream in", async () => {
    const { stream, seen } = meteredBody(1_000, 4096);
    expect(await refusal(parseJson(post(stream), anything, { maxBytes: 10_000 }))).toMatchObject({ status: 413 });
    expect(seen).toEqual({ pulls: 3, bytes: 3 * 4096, cancelled: true });
  });

  it("a body that fails mid-stream → 400, connection closed", async () => {
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("connection reset"));
        sent = true;
        controller.enqueue(enc.encode('{"a":'));
      },
    });
    expect(await refusal(parseJson(post(failing), anything))).toMatchObject({ status: 400, message: "The request body could not be read.", connection: "close" });
  });
});

describe("UTF-8", () => {
  it.each([
    ["a byte that never occurs in UTF-8 (0xFF)", [0x22, 0xff, 0x22]],
    ["a lone continuation byte", [0x22, 0x80, 0x22]],
    ["an overlong encoding of '/'", [0x22, 0xc0, 0xaf, 0x22]],
    ["an encoded surrogate (CESU-8)", [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ["a sequence cut off at the end", [0x22, 0x61, 0x22, 0xe2, 0x82]],
  ])("%s → 400, never a U+FFFD in the value", async (_, bytes) => {
    const r = await refusal(parseJson(post(new Uint8Array(bytes)), anything));
    expect(r).toMatchObject({ status: 400, type: "invalid_request_error", message: "The request body is not valid UTF-8." });
  });

  it("a character split across two chunks is decoded whole", async () => {
    // "€" is E2 82 AC.
    expect(await parseJson(post(chunked([0x22, 0xe2], [0x82, 0xac, 0x22])), anything)).toBe("€");
  });

  it("a leading byte order mark is skipped", async () => {
    expect(await parseJson(post(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('{"a":1}')])), anything)).toEqual({ a: 1 });
  });
});

describe("nesting depth", () => {
  it(`is ${MAX_JSON_DEPTH}: arrays or objects ${MAX_JSON_DEPTH} deep are read, ${MAX_JSON_DEPTH + 1} deep → 400 naming the limit`, async () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    await expect(parseJson(post(nested(64)), anything)).resolves.toBeDefined();
    await expect(parseJson(post(nestedObjects(64)), anything)).resolves.toBeDefined();
    for (const body of [nested(65), nestedObjects(65), `{"a":[${nestedObjects(63)}]}`]) {
      const r = await refusal(parseJson(post(body), anything));
      expect(r).toMatchObject({ status: 400, message: "The request body nests arrays and objects deeper than 64 levels." });
    }
  });

  it("a 5,000-deep document → 400 before JSON.parse", async () => {
    expect(await refusal(parseJson(post(nested(5_000)), anything))).toMatchObject({ status: 400, message: /deeper than 64 levels/ });
  });

  it("brackets inside strings do not count", async () => {
    const body = JSON.stringify({ a: "[".repeat(1_000), b: ["{".repeat(1_000)], [`${"[".repeat(100)}`]: 1 });
    expect(await parseJson(post(body), anything)).toEqual(JSON.parse(body));
  });

  it("escaped quotes do not end a string; an escaped backslash before a quote does", async () => {
    // The string holds `"[[[…`: still one level deep.
    const quoted = JSON.stringify([`"${"[".repeat(100)}`, `\\"${"{".repeat(100)}`]);
    expect(await parseJson(post(quoted), anything)).toEqual(JSON.parse(quoted));
    // `"\\"` is a string holding one backslash; the brackets after it are real.
    const real = `["\\\\",${nested(64)}]`;
    expect(await refusal(parseJson(post(real), anything))).toMatchObject({ status: 400, message: /deeper than 64 levels/ });
  });
});

describe("JSON and the schema", () => {
  const schema = z.object({ name: z.string().min(1, "Enter a name.") }).strict();

  it.each([["empty", ""], ["truncated", '{"name":'], ["a trailing comma", '{"name":"a",}'], ["single quotes", "{'name':'a'}"]])(
    "%s JSON → 400 'must be valid JSON', the connection kept",
    async (_, body) => {
      expect(await refusal(parseJson(post(body), schema))).toEqual({
        status: 400,
        type: "invalid_request_error",
        message: "The request body must be valid JSON.",
        connection: null,
      });
    },
  );

  it("a bad field → 400 naming it", async () => {
    expect(await refusal(parseJson(post('{"name":""}'), schema))).toMatchObject({ status: 400, message: 'Invalid field "name": Enter a name.' });
    expect(await refusal(parseJson(post("[]"), schema))).toMatchObject({ status: 400, message: /^Invalid request: / });
  });

  it("a good body comes back parsed", async () => {
    expect(await parseJson(post('{"name":"Zoë"}'), schema)).toEqual({ name: "Zoë" });
  });
});
