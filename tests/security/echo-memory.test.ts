import { describe, expect, it, vi } from "vitest";

import { echoReply, echoStream } from "@/lib/gateways/echo";
import { sse, type MessagesRequest } from "@/lib/gateways/messages";

import { peakRssMb } from "../support/upload";

// Counts the events the echo builds, to see when it builds them.
vi.mock("@/lib/gateways/messages", async (original) => {
  const actual = await original<typeof import("@/lib/gateways/messages")>();
  return { ...actual, sse: vi.fn(actual.sse) };
});

/**
 * The echo upstream under a request as large as the gateway accepts (32 MiB):
 * it must not spend memory per character (no array of characters, no array of
 * every event), and its stream makes each event only when it is read.
 */

const request = (content: string, max_tokens: number, stream = false): MessagesRequest => ({
  model: "keysmith-echo-1",
  max_tokens,
  messages: [{ role: "user", content }],
  stream,
});

/** A flat (not a rope) string of `words` three-character words, e.g. "ab ab ab …". */
function words(count: number): string {
  const text = "ab ".repeat(count);
  text.charCodeAt(text.length - 1); // flattens it here, not inside the code under test
  return text;
}

describe("echo upstream on a huge message", () => {
  it("echoes 24 million characters in a few copies of the text, not an array of characters; cuts at max_tokens × 4 code points", () => {
    const text = words(8_000_000);
    const peakBefore = peakRssMb();
    const whole = echoReply(request(text, 10_000_000));
    const cut = echoReply(request(text, 1_000));
    // Under 7 bytes a character for both calls (the text and its JSON for the id);
    // spreading the text into an array of characters took about 30 for one.
    expect(peakRssMb() - peakBefore).toBeLessThan(160);

    expect(whole.text).toBe(text);
    expect(whole.message.stop_reason).toBe("end_turn");
    expect(whole.message.usage).toEqual({ input_tokens: 6_000_000, output_tokens: 6_000_000 });
    expect(cut.text).toBe(text.slice(0, 4_000));
    expect(cut.message.stop_reason).toBe("max_tokens");
  });

  it("never splits a surrogate pair at the cut", () => {
    const { text, message } = echoReply(request("😀".repeat(10), 1)); // 4 code points, 8 UTF-16 units
    expect(text).toBe("😀😀😀😀");
    expect(text.isWellFormed()).toBe(true);
    expect(message.stop_reason).toBe("max_tokens");
  });

  it("streams lazily: an event is made only when the stream is read", async () => {
    const made = vi.mocked(sse);
    made.mockClear();
    const { stream } = echoStream(request(words(200_000), 1_000_000, true));
    // A ReadableStream may pull once ahead of the reader.
    expect(made.mock.calls.length).toBeLessThanOrEqual(1);

    const reader = stream.getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    expect(made.mock.calls.length).toBeLessThanOrEqual(6);

    let events = 5;
    while (!(await reader.read()).done) events++;
    // message_start, content_block_start, ping, one delta per word, content_block_stop, message_delta, message_stop.
    expect(events).toBe(200_000 + 6);
    expect(made).toHaveBeenCalledTimes(200_000 + 6);
  });
});
