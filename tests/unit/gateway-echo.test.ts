import { describe, expect, it } from "vitest";

import { echoReply, echoStream } from "@/lib/gateways/echo";
import { approximateTokens, messagesRequest, type MessagesRequest } from "@/lib/gateways/messages";
import { parseModelList } from "@/lib/schemas/gateways";

const request = (over: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "keysmith-echo-1",
  max_tokens: 100,
  messages: [
    { role: "user", content: "first" },
    { role: "assistant", content: "reply" },
    { role: "user", content: [{ type: "text", text: "Hello, " }, { type: "image" }, { type: "text", text: "echo!" }] },
  ],
  ...over,
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) out += decoder.decode(chunk, { stream: true });
  return out;
}

describe("echoReply", () => {
  it("echoes the last user message's text blocks as one text block", () => {
    const { message, text } = echoReply(request());
    expect(text).toBe("Hello, echo!");
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "keysmith-echo-1",
      content: [{ type: "text", text: "Hello, echo!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_echo_[0-9a-f]{24}$/);
  });

  it("is deterministic: the same request gives the same id, text and usage", () => {
    expect(echoReply(request())).toEqual(echoReply(request()));
    expect(echoReply(request({ max_tokens: 7 })).message.id).toBe(echoReply(request()).message.id);
  });

  it("gives a different id for a different conversation, model or system prompt", () => {
    const base = echoReply(request()).message.id;
    expect(echoReply(request({ messages: [{ role: "user", content: "other" }] })).message.id).not.toBe(base);
    expect(echoReply(request({ model: "keysmith-echo-2" })).message.id).not.toBe(base);
    expect(echoReply(request({ system: "Be terse." })).message.id).not.toBe(base);
  });

  it("counts tokens at about four characters each, the system prompt included", () => {
    const { message } = echoReply(request({ system: "12345678" }));
    const input = "12345678" + "first" + "reply" + "Hello, echo!";
    expect(message.usage).toEqual({ input_tokens: approximateTokens(input), output_tokens: approximateTokens("Hello, echo!") });
    expect(message.usage).toEqual({ input_tokens: 8, output_tokens: 3 });
    expect(approximateTokens("")).toBe(0);
  });

  it("cuts the text at max_tokens × 4 characters and stops with max_tokens", () => {
    const long = "abcdefghij".repeat(10); // 100 characters
    const cut = echoReply(request({ max_tokens: 5, messages: [{ role: "user", content: long }] }));
    expect(cut.text).toBe(long.slice(0, 20));
    expect(cut.message.stop_reason).toBe("max_tokens");
    expect(cut.message.usage.output_tokens).toBe(5);

    // Exactly at the limit is not a cut.
    const exact = echoReply(request({ max_tokens: 25, messages: [{ role: "user", content: long }] }));
    expect(exact.text).toBe(long);
    expect(exact.message.stop_reason).toBe("end_turn");
  });
});

describe("echoStream", () => {
  it("streams Anthropic's events whose deltas add up to echoReply's text and usage", async () => {
    const req = request({ messages: [{ role: "user", content: "one two  three" }] });
    const { stream, usage } = echoStream(req);
    const raw = await readAll(stream);
    const events = raw
      .trim()
      .split("\n\n")
      .map((block) => {
        const [eventLine, dataLine] = block.split("\n");
        const data = JSON.parse(dataLine.replace(/^data: /, "")) as { type: string; delta?: { text?: string; stop_reason?: string } };
        expect(eventLine).toBe(`event: ${data.type}`);
        return data;
      });
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const text = events.filter((e) => e.type === "content_block_delta").map((e) => e.delta?.text).join("");
    expect(text).toBe("one two  three");
    expect(usage).toEqual(echoReply(req).message.usage);
    expect(events.find((e) => e.type === "message_delta")?.delta?.stop_reason).toBe("end_turn");
  });
});

describe("messagesRequest", () => {
  it("names the missing or bad field", () => {
    const missing = messagesRequest.safeParse({ model: "m", messages: [{ role: "user", content: "x" }] });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0].path).toEqual(["max_tokens"]);
    const zero = messagesRequest.safeParse({ model: "m", max_tokens: 0, messages: [{ role: "user", content: "x" }] });
    expect(zero.error?.issues[0].path).toEqual(["max_tokens"]);
  });

  it("keeps fields it does not validate, for the upstream", () => {
    const parsed = messagesRequest.parse({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }], temperature: 0.3, metadata: { user_id: "u" } });
    expect(parsed).toMatchObject({ temperature: 0.3, metadata: { user_id: "u" } });
  });
});

describe("parseModelList", () => {
  it("splits on commas, spaces and newlines, trims, drops empties and duplicates, keeps order", () => {
    expect(parseModelList("a, b\nc")).toEqual(["a", "b", "c"]);
    expect(parseModelList("  claude-x ,, claude-y\r\n\tclaude-x  ")).toEqual(["claude-x", "claude-y"]);
    expect(parseModelList("")).toEqual([]);
    expect(parseModelList(" \n , ")).toEqual([]);
  });
});
