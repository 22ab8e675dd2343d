/** The subset of Anthropic's Messages API request the gateway validates; other fields pass through to the upstream. */
import "server-only";
import { z } from "zod";

const textBlock = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(textBlock)]);

export const messagesRequest = z.looseObject({
  model: z.string().min(1, "Required."),
  max_tokens: z.number().int().positive("Must be a positive integer."),
  messages: z
    .array(z.looseObject({ role: z.enum(["user", "assistant"]), content }))
    .min(1, "At least one message is required."),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequest>;

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export function textOf(value: string | Array<{ type: string; text?: string }> | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return value.map((b) => (b.type === "text" && b.text ? b.text : "")).join("");
}

/** A rough, deterministic token count (≈4 characters per token) for the echo upstream: of a text, or of a length in characters. */
export function approximateTokens(text: string | number): number {
  return Math.ceil((typeof text === "string" ? text.length : text) / 4);
}

/** Formats one server-sent event as Anthropic sends them. */
export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
