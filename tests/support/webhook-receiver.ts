/**
 * A webhook consumer on 127.0.0.1, as an org's own system would run one: it
 * verifies every delivery with the `standardwebhooks` library (the spec's
 * reference implementation, not our signing code) and keeps what it accepted.
 * `mode` makes it misbehave: answer 500, drop the connection, never answer, redirect.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  type: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  body: string;
}

export type ReceiverMode = "ok" | "fail" | "drop" | "hang" | "redirect";

export interface WebhookReceiver {
  url: string;
  /** Deliveries whose signature verified, in arrival order. */
  received: Received[];
  /** Requests whose signature did not verify with any of `secrets`. */
  rejected: number;
  /** Every request that reached it, verified or not. */
  hits: number;
  mode: ReceiverMode;
  /** The secrets it accepts (a consumer mid-rotation may hold two). */
  secrets: string[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(secrets: string[], path = "/hooks/keysmith", options: { delayMs?: number } = {}): Promise<WebhookReceiver> {
  const sockets = new Set<import("node:net").Socket>();
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    rejected: 0,
    hits: 0,
    mode: "ok",
    secrets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void setTimeout(answer, options.delayMs ?? 0));
    const answer = () => {
      receiver.hits++;
      if (receiver.mode === "drop") return req.socket.destroy();
      if (receiver.mode === "hang") return;
      if (receiver.mode === "redirect") {
        res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" });
        return res.end();
      }
      if (receiver.mode === "fail") {
        res.writeHead(500);
        return res.end("receiver down");
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = { "webhook-id": String(req.headers["webhook-id"] ?? ""), "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""), "webhook-signature": String(req.headers["webhook-signature"] ?? "") };
      const verified = receiver.secrets.some((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      if (!verified) {
        receiver.rejected++;
        res.writeHead(400);
        return res.end("bad signature");
      }
      const payload = JSON.parse(body) as Received["payload"];
      receiver.received.push({ id: headers["webhook-id"], timestamp: headers["webhook-timestamp"], signature: headers["webhook-signature"], type: payload.type, payload, body });
      res.writeHead(204);
      res.end();
    };
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
