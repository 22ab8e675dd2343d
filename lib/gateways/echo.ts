/**
 * The built-in `echo` upstream: answers without a network, deterministically,
 * by echoing the last user message (cut to max_tokens). Token counts are
 * approximated from the text, so usage accounting can be tested end to end.
 *
 * A request may be tens of megabytes: nothing here holds more than a copy of
 * the reply, and the stream produces its events one at a time as it is read.
 */
import "server-only";
import { createHash } from "node:crypto";
import { approximateTokens, sse, textOf, type MessagesRequest, type Usage } from "./messages";

/** The first `limit` code points of `text` (a surrogate pair counts as one, never split), and whether more followed. */
function firstCodePoints(text: string, limit: number): { text: string; cut: boolean } {
  let end = 0;
  for (let n = 0; n < limit && end < text.length; n++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return end < text.length ? { text: text.slice(0, end), cut: true } : { text, cut: false };
}

/** A stable id for the conversation: the hash of JSON [model, system, messages], fed one message at a time. */
function conversationId(req: MessagesRequest): string {
  const hash = createHash("sha256").update(`[${JSON.stringify(req.model)},${JSON.stringify(req.system ?? null)},[`);
  req.messages.forEach((m, i) => hash.update(i === 0 ? JSON.stringify(m) : `,${JSON.stringify(m)}`));
  return `msg_echo_${hash.update("]]").digest("hex").slice(0, 24)}`;
}

export function echoReply(req: MessagesRequest) {
  const lastUser = req.messages.findLast((m) => m.role === "user");
  const { text, cut } = firstCodePoints(textOf(lastUser?.content), req.max_tokens * 4);
  const inputLength = textOf(req.system).length + req.messages.reduce((sum, m) => sum + textOf(m.content).length, 0);
  const usage: Usage = { input_tokens: approximateTokens(inputLength), output_tokens: approximateTokens(text) };
  return {
    message: {
      id: conversationId(req),
      type: "message" as const,
      role: "assistant" as const,
      model: req.model,
      content: [{ type: "text" as const, text }],
      stop_reason: cut ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage,
    },
    text,
  };
}

type EchoMessage = ReturnType<typeof echoReply>["message"];

/** Anthropic's events for the reply, one word per delta, each made only when the stream asks for it. */
function* echoEvents(message: EchoMessage, text: string): Generator<string> {
  const startUsage = { input_tokens: message.usage.input_tokens, output_tokens: 0 };
  yield sse("message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: startUsage } });
  yield sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  yield sse("ping", { type: "ping" });
  const word = /\S+\s*|\s+/g;
  for (let m = word.exec(text); m; m = word.exec(text)) {
    yield sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: m[0] } });
  }
  yield sse("content_block_stop", { type: "content_block_stop", index: 0 });
  yield sse("message_delta", { type: "message_delta", delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
  yield sse("message_stop", { type: "message_stop" });
}

/** The same reply as Anthropic's event stream, one word per delta. */
export function echoStream(req: MessagesRequest): { stream: ReadableStream<Uint8Array>; usage: Usage } {
  const { message, text } = echoReply(req);
  const events = echoEvents(message, text);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = events.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return { stream, usage: message.usage };
}
