/**
 * `npm run bench -- --peer`: a stand-in for Anthropic's Messages API on a
 * loopback port, in its own process, so the gateways compared (Keysmith's and
 * Portkey's) forward to the same upstream and none of them shares its event loop.
 * Answers POST /v1/messages with one fixed message; prints `port <n>` when ready.
 */
import http from "node:http";

const answer = (model: string) =>
  JSON.stringify({
    id: "msg_bench_mock",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: "pong from the mock upstream" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 6 },
  });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || !req.url?.endsWith("/v1/messages")) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"type":"error","error":{"type":"not_found_error","message":"no such path"}}');
      return;
    }
    let model = "unknown";
    try {
      model = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { model?: string }).model ?? model;
    } catch {
      // Answer anyway: the benchmark measures forwarding, not validation.
    }
    const body = answer(model);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
