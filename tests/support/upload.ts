import http from "node:http";

export interface UploadResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Bytes handed to the socket before the server answered or closed the connection. */
  sentBytes: number;
  /** ms from the first byte sent to the whole answer read. */
  ms: number;
}

export interface UploadOptions {
  method: string;
  headers: Record<string, string>;
  /** Bytes to send in all: `prefix`, filler ("a"), then `suffix`. */
  totalBytes: number;
  prefix: string;
  suffix?: string;
  /** Send a truthful content-length; otherwise the body goes chunked and the server only learns its size by counting. */
  declareLength?: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, "a");

/**
 * Uploads a huge body generated lazily (one 64 KiB chunk, reused): the test
 * never holds more than that, however large `totalBytes` is. Resolves with the
 * server's answer as soon as it has been read, even when the server answered
 * before reading the rest (the client then stops sending); rejects when the
 * connection fails without an answer.
 */
export function upload(url: string, options: UploadOptions): Promise<UploadResult> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.declareLength) headers["content-length"] = String(options.totalBytes);
  else headers["transfer-encoding"] = "chunked";

  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sent = 0;
    let answered = false;
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method, headers });

    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (piece: string) => (text += piece));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, sentBytes: sent, ms: performance.now() - started });
      });
      res.on("error", reject);
    });
    // Once the server has answered, a write failing on the closed connection is expected.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });

    const suffix = Buffer.from(options.suffix ?? "");
    const fillerEnd = options.totalBytes - suffix.length;
    const next = () => {
      if (sent === 0) return Buffer.from(options.prefix);
      return sent < fillerEnd ? CHUNK.subarray(0, Math.min(CHUNK.length, fillerEnd - sent)) : suffix;
    };
    const write = () => {
      while (sent < options.totalBytes && !answered && !req.destroyed) {
        const piece = next();
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      if (sent >= options.totalBytes) req.end();
    };
    write();
  });
}

/** The process's peak resident memory so far, in MB (monotonic: it only ever grows). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
