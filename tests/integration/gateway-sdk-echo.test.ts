import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";


import { openAppDb, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import {
  createEchoGateway,
  createGatewayOrg,
  ensureAppSecret,
  gatewayCalls,
  issueGatewayToken,
  startGatewayServer,
  usageCount,
  modelCalls,
} from "../support/gateway-api";
import type { RouteServer } from "../support/route-server";

ensureAppSecret();

/**
 * Anthropic's official SDK against the gateway API with the built-in echo
 * upstream: the request and response shapes, streaming, model listing, and
 * the exact usage accounting behind them.
 */
describe.each(testDatabases)("gateway API with Anthropic's SDK (echo upstream) on $name", ({ name }) => {
  let app: AppDb;
  let server: RouteServer;
  let client: Anthropic;
  let tokenId: string;
  let models: string[];

  beforeAll(async () => {
    app = await openAppDb(name);
    server = await startGatewayServer();
    const o = await createGatewayOrg(app.prisma);
    const gateway = await createEchoGateway(app.prisma, o);
    models = gateway.models;
    const { token, secret } = await issueGatewayToken(app.prisma, o, gateway.id);
    tokenId = token.id;
    client = new Anthropic({ baseURL: `${server.url}/api/gpt`, apiKey: secret, maxRetries: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it("messages.create returns the echoed last user message with usage, and counts exactly one call", async () => {
    const before = await usageCount(app.prisma, tokenId);

    const message = await client.messages.create({
      model: "keysmith-echo-1",
      max_tokens: 256,
      system: "Be brief.",
      messages: [
        { role: "user", content: "First question" },
        { role: "assistant", content: "First answer" },
        { role: "user", content: "Echo this back, please." },
      ],
    });

    expect(message).toMatchObject({ type: "message", role: "assistant", model: "keysmith-echo-1", stop_reason: "end_turn" });
    expect(message.content).toEqual([{ type: "text", text: "Echo this back, please." }]);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
    const calls = await gatewayCalls(app.prisma, tokenId);
    expect(calls.at(-1)).toMatchObject({
      model: "keysmith-echo-1",
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      route: "/api/gpt/v1/messages",
    });
    const token = await app.prisma.token.findUniqueOrThrow({ where: { id: tokenId } });
    expect(token.lastUsedAt).not.toBeNull();
    expect(token.lastUsedIp).toBe("127.0.0.1");
  });

  it("create({ stream: true }) yields Anthropic's event sequence, deltas concatenating to the echo", async () => {
    const before = await usageCount(app.prisma, tokenId);
    const callsBefore = (await gatewayCalls(app.prisma, tokenId)).length;
    const prompt = "Streaming works one word at a time.";

    const stream = await client.messages.create({
      model: "keysmith-echo-1",
      max_tokens: 256,
      messages: [{ role: "user", content: prompt }],
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let outputTokens = 0;
    let inputTokens = 0;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "message_start") inputTokens = event.message.usage.input_tokens;
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      if (event.type === "message_delta") {
        outputTokens = event.usage.output_tokens;
        expect(event.delta.stop_reason).toBe("end_turn");
      }
    }

    const distinct = types.filter((t, i) => t !== types[i - 1] && t !== "ping");
    expect(distinct).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(1);
    expect(text).toBe(prompt);

    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
    const calls = await gatewayCalls(app.prisma, tokenId);
    expect(calls).toHaveLength(callsBefore + 1);
    expect(calls.at(-1)).toMatchObject({ inputTokens, outputTokens, route: "/api/gpt/v1/messages", method: "POST" });
    expect(inputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
  });

  it("messages.stream() assembles a final message equal to the echo", async () => {
    const before = await usageCount(app.prisma, tokenId);
    const prompt = "The helper's final message, please.";
    const seen: string[] = [];

    const stream = client.messages.stream({ model: "keysmith-echo-1", max_tokens: 256, messages: [{ role: "user", content: prompt }] });
    stream.on("text", (delta) => seen.push(delta));
    const final = await stream.finalMessage();

    expect(final.content).toEqual([{ type: "text", text: prompt }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(seen.join("")).toBe(prompt);
    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
    expect((await gatewayCalls(app.prisma, tokenId)).at(-1)).toMatchObject({ outputTokens: final.usage.output_tokens });
  });

  it("cuts the echo at max_tokens and says so, streamed or not", async () => {
    const long = "word ".repeat(40).trim(); // 199 characters; max_tokens 5 ≈ 20 characters
    const message = await client.messages.create({ model: "keysmith-echo-1", max_tokens: 5, messages: [{ role: "user", content: long }] });
    expect(message.stop_reason).toBe("max_tokens");
    const text = message.content[0].type === "text" ? message.content[0].text : "";
    expect(text).toBe(long.slice(0, 20));

    const final = await client.messages
      .stream({ model: "keysmith-echo-1", max_tokens: 5, messages: [{ role: "user", content: long }] })
      .finalMessage();
    expect(final.stop_reason).toBe("max_tokens");
    expect(final.content).toEqual(message.content);
  });

  it("models.list returns the gateway's models, and counts as a call", async () => {
    const before = await usageCount(app.prisma, tokenId);
    const listed: string[] = [];
    for await (const model of client.models.list()) {
      expect(model.type).toBe("model");
      listed.push(model.id);
    }
    expect(listed).toEqual(models);
    expect(await usageCount(app.prisma, tokenId)).toBe(before + 1);
  });

  it("counts every call exactly, concurrent ones included", async () => {
    const before = await usageCount(app.prisma, tokenId);
    const callsBefore = await modelCalls(app.prisma, tokenId);

    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.messages.create({ model: "keysmith-echo-1", max_tokens: 16, messages: [{ role: "user", content: `call ${i}` }] }),
      ),
    );

    expect(await usageCount(app.prisma, tokenId)).toBe(before + 12);
    expect(await modelCalls(app.prisma, tokenId)).toBe(callsBefore + 12);
  });
});
