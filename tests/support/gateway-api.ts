import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

import { API_ROUTES } from "@/lib/data-plane/routes";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { createGateway, type GatewayInput } from "@/lib/gateways/service";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";
import { flushUsage } from "@/lib/tokens/usage";

import { createOrgWithAdmin, uniq } from "./fixtures";
import { read } from "./guard-rails";
import { startRouteServer, type RouteServer, type RouteTable } from "./route-server";

/** The data plane's own route table: the gateway API (and the rest) as the server mounts it. */
export const GATEWAY_ROUTES: RouteTable = API_ROUTES;

export function startGatewayServer(extra: RouteTable = {}): Promise<RouteServer> {
  return startRouteServer({ ...GATEWAY_ROUTES, ...extra });
}

/** Secret-box needs an app secret; tests make a random one unless the environment has one. */
export function ensureAppSecret(): void {
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
}

/** The fake upstreams below listen on 127.0.0.1, which gateways may dial only when opted in (lib/net/egress.ts). */
export const LOOPBACK_UPSTREAMS = "127.0.0.1/32";

/** Opts this test file's gateways in to the fake upstreams on 127.0.0.1, as a self-hoster would with a local model server. */
export function allowLoopbackUpstreams(): void {
  process.env.KEYSMITH_UPSTREAM_ALLOW_HOSTS = LOOPBACK_UPSTREAMS;
}

// --- Fixtures --------------------------------------------------------------------

export interface GatewayOrg {
  org: { id: string; slug: string };
  admin: { id: string; email: string };
  meta: ChangeMeta;
}

export async function createGatewayOrg(prisma: PrismaClient): Promise<GatewayOrg> {
  const { org, admin, ctx } = await createOrgWithAdmin(prisma);
  return { org, admin, meta: ctx };
}

export function createEchoGateway(prisma: PrismaClient, o: GatewayOrg, models = ["keysmith-echo-1"]) {
  return createGateway(prisma, o.meta, { name: `Echo ${uniq()}`, slug: `echo-${uniq()}`, upstreamType: "ECHO", models });
}

export function createAnthropicGateway(
  prisma: PrismaClient,
  o: GatewayOrg,
  upstreamBaseUrl: string,
  options: Partial<Pick<GatewayInput, "upstreamApiKey" | "models">> = {},
) {
  return createGateway(prisma, o.meta, {
    name: `Upstream ${uniq()}`,
    slug: `up-${uniq()}`,
    upstreamType: "ANTHROPIC",
    upstreamBaseUrl,
    upstreamApiKey: options.upstreamApiKey ?? "sk-upstream-test",
    models: options.models ?? ["claude-test-1"],
  });
}

export function issueGatewayToken(prisma: PrismaClient, o: GatewayOrg, gatewayId: string) {
  return issueToken(prisma, o.meta, { kind: "GATEWAY", name: `gw-${uniq()}`, gatewayId, expiresAt: null, createdById: o.admin.id });
}

export function issueOrganizationToken(prisma: PrismaClient, o: GatewayOrg, role: Role = "DEVELOPER") {
  return issueToken(prisma, o.meta, { kind: "ORGANIZATION", name: `org-${uniq()}`, role, expiresAt: null, createdById: o.admin.id });
}

/** The token's usage count as stored, after writing out the in-memory tally (lib/tokens/usage.ts batches it). */
export async function usageCount(prisma: PrismaClient, tokenId: string): Promise<number> {
  await flushUsage();
  const row = await prisma.token.findUniqueOrThrow({ where: { id: tokenId }, select: { usageCount: true } });
  return Number(row.usageCount);
}

/** The token's successful gateway calls in its request log, oldest first, after writing out the in-memory tally (they are batched with usage). */
export async function gatewayCalls(prisma: PrismaClient, tokenId: string) {
  await flushUsage();
  return prisma.tokenRequest.findMany({ where: { tokenId, status: 200, model: { not: null } }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

/** Gateway calls counted in the token's daily model buckets (exact; the request log may sample a busy token), after a flush. */
export async function modelCalls(prisma: PrismaClient, tokenId: string): Promise<number> {
  await flushUsage();
  const sum = await prisma.tokenModelBucket.aggregate({ where: { tokenId, span: "DAY" }, _sum: { calls: true } });
  return Number(sum._sum.calls ?? 0);
}

/** Input+output tokens in the token's daily model buckets (what monthly budgets count), after a flush. */
export async function modelTokens(prisma: PrismaClient, tokenId: string): Promise<number> {
  await flushUsage();
  const sum = await prisma.tokenModelBucket.aggregate({ where: { tokenId, span: "DAY" }, _sum: { inputTokens: true, outputTokens: true } });
  return Number(sum._sum.inputTokens ?? 0) + Number(sum._sum.outputTokens ?? 0);
}

/** Streamed upstream calls are recorded when the stream ends, after the response: poll for them. */
export async function waitForGatewayCalls(prisma: PrismaClient, tokenId: string, count: number, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = await gatewayCalls(prisma, tokenId);
    if (calls.length >= count || Date.now() > deadline) return calls;
    await delay(20);
  }
}

/** A raw call to the gateway API, for asserting status, headers and the exact error body. */
export async function rawCall(
  url: string,
  path: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json", "anthropic-version": "2023-06-01", ...init.headers };
  if (init.token) headers["x-api-key"] = init.token;
  const response = await fetch(url + path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  return read(response);
}

// --- A fake Anthropic-compatible upstream ---------------------------------------

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface FakeUpstream {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** TCP connections accepted so far: 0 proves nothing ever dialled it. */
  readonly connections: number;
  close(): Promise<void>;
}

export type FakeResponder = (req: ReceivedRequest, res: http.ServerResponse) => void | Promise<void>;

/** A node:http server standing in for api.anthropic.com: records every request, answers with `respond`. */
export async function startFakeUpstream(respond: FakeResponder): Promise<FakeUpstream> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      Promise.resolve(respond(entry, res)).catch(() => res.destroy());
    });
  });
  let connections = 0;
  server.on("connection", () => {
    connections += 1;
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    get connections() {
      return connections;
    },
    close: () => closeServer(server),
  };
}

/** A server that accepts connections and requests and never answers them. */
export async function startHangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(() => {
    // never respond
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** A port nothing listens on (a server was started on it and closed). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  const port = await listen(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** One server-sent event as Anthropic formats it. */
export function sseEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** A canned non-streaming Messages API answer. */
export function cannedMessage(model: string, text: string, usage = { input_tokens: 21, output_tokens: 9 }) {
  return {
    id: "msg_fake_0001",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  };
}

/** A canned event stream: the answer in the given pieces, usage in message_start/message_delta. */
export function cannedStreamEvents(model: string, pieces: string[], usage = { input_tokens: 33, output_tokens: 17 }): string[] {
  return [
    sseEvent("message_start", {
      message: { ...cannedMessage(model, "", { input_tokens: usage.input_tokens, output_tokens: 1 }), content: [], stop_reason: null },
    }),
    sseEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ...pieces.map((text) => sseEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
    sseEvent("content_block_stop", { index: 0 }),
    sseEvent("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
    sseEvent("message_stop", {}),
  ];
}
