/**
 * The built-in `echo` upstream: answers without a network, deterministically,
 * by echoing the last user message (cut to max_tokens). Token counts are
 * approximated from the text, so usage accounting can be tested end to end.
 */
import { createHash } from "node:crypto";
import { approximateTokens, sse, textOf, type MessagesRequest, type Usage } from "./messages";

export function echoReply(req: MessagesRequest) {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  // Cut by code points, not UTF-16 units, so an emoji is never split in half.
  const full = [...textOf(lastUser?.content)];
  const limit = req.max_tokens * 4;
  const text = (full.length > limit ? full.slice(0, limit) : full).join("");
  const input = textOf(req.system) + req.messages.map((m) => textOf(m.content)).join("");
  const usage: Usage = { input_tokens: approximateTokens(input), output_tokens: approximateTokens(text) };
  const id = `msg_echo_${createHash("sha256").update(JSON.stringify([req.model, req.system ?? null, req.messages])).digest("hex").slice(0, 24)}`;
  return {
    message: {
      id,
      type: "message" as const,
      role: "assistant" as const,
      model: req.model,
      content: [{ type: "text" as const, text }],
      stop_reason: full.length > limit ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage,
    },
    text,
  };
}

/** The same reply as Anthropic's event stream, one word per delta. */
export function echoStream(req: MessagesRequest): { stream: ReadableStream<Uint8Array>; usage: Usage } {
  const { message, text } = echoReply(req);
  const pieces = text.match(/\S+\s*|\s+/g) ?? [];
  const encoder = new TextEncoder();
  const events = [
    sse("message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { input_tokens: message.usage.input_tokens, output_tokens: 0 } } }),
    sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    sse("ping", { type: "ping" }),
    ...pieces.map((p) => sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: p } })),
    sse("content_block_stop", { type: "content_block_stop", index: 0 }),
    sse("message_delta", { type: "message_delta", delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } }),
    sse("message_stop", { type: "message_stop" }),
  ];
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < events.length) controller.enqueue(encoder.encode(events[i++]));
      else controller.close();
    },
  });
  return { stream, usage: message.usage };
}
