/**
 * What an API handler reads of a request. A web `Request` satisfies it (tests
 * call handlers with one); the data plane passes a lighter object over Node's
 * own request (lib/data-plane/http.ts), so a call pays for no Request, Headers
 * or AbortSignal it never uses.
 */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface ApiRequest {
  readonly method: string;
  /** Absolute: handlers read the path and the query from it. */
  readonly url: string;
  readonly headers: HeaderReader;
  readonly body: ReadableStream<Uint8Array> | null;
  /** The matched route's pattern (`/api/v1/app/tokens/{id}`), set by the data plane; what the request log records. */
  readonly route?: string;
  text(): Promise<string>;
}
