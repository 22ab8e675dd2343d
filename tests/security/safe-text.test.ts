import { describe, expect, it } from "vitest";
import type { z } from "zod";

import { signUpInput as signUpSchema } from "@/lib/schemas/account";
import { gatewayInputSchema } from "@/lib/gateways/service";
import { orgName as orgNameSchema } from "@/lib/schemas/orgs";
import { projectName as projectNameSchema } from "@/lib/schemas/projects";
import { tokenName as tokenNameSchema } from "@/lib/schemas/tokens";
import { safeText } from "@/lib/schemas/text";

/**
 * lib/schemas/text.ts: the characters a typed name may not hold, each refused
 * with a message naming the field and the character, and the names people
 * really have (accents, CJK, emoji sequences, Persian with ZWNJ) accepted.
 */

const name = safeText("Name", { max: 64, tooShort: "Enter a name." });

function refusal(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  expect(result.success, `accepted ${JSON.stringify(value)}`).toBe(false);
  return result.error!.issues[0];
}

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

describe("refused, naming the field and the character", () => {
  const table: Array<[kind: string, chars: string[], message: RegExp]> = [
    ["C0 controls", ["\u0000", "\u0001", "\u0007", "\b", "\r", "\u001B", "\u001F"], /contains a control character/],
    ["tab and line feed in a single-line field", ["\t", "\n"], /contains a control character/],
    ["DEL and C1 controls", ["\u007F", "\u0080", "\u0085", "\u009B", "\u009F"], /contains a control character/],
    ["line and paragraph separators", ["\u2028", "\u2029"], /contains a control character/],
    ["the replacement character", ["\uFFFD"], /contains the replacement character/],
    [
      "bidirectional controls",
      ["\u061C", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"],
      /contains a bidirectional control character/,
    ],
    ["invisible characters", ["\u200B", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\uFEFF", "\u180E", "\u00AD"], /contains an invisible character/],
  ];

  for (const [kind, chars, message] of table) {
    it.each(chars.map((c) => [hex(c), c]))(`${kind}: %s inside a name`, (code, c) => {
      const issue = refusal(name, `team${c}name`);
      expect(issue.message).toMatch(/^Name /);
      expect(issue.message).toMatch(message);
      expect(issue.message).toContain(`(${code})`);
    });
  }

  it.each([
    ["a lone high surrogate", "half \uD83D"],
    ["a lone low surrogate", "\uDE00 half"],
    ["surrogates in the wrong order", "x\uDE00\uD83Dx"],
  ])("%s: not well-formed", (_, value) => {
    expect(refusal(name, value).message).toBe("Name is not well-formed text (it has a lone surrogate).");
  });

  it.each([
    ["at the start", "\u200Dteam"],
    ["at the end", "team\u200C"],
    ["after a space", "team \u200Dname"],
    ["before a space", "team\u200C name"],
    ["doubled", "te\u200D\u200Dam"],
    ["before another format character", "te\u200D\uFFF9am"],
    ["alone", "\u200D"],
  ])("ZWJ/ZWNJ %s → refused", (_, value) => {
    expect(refusal(name, value).message).toMatch(/^Name contains a zero-width joiner that is not between two visible characters \(U\+200[CD]\)\.$/);
  });
});

describe("accepted", () => {
  it.each([
    ["Latin with diacritics", "Zoë"],
    ["a combining diaeresis", "Zoe\u0308"],
    ["CJK", "東京"],
    ["an emoji family (ZWJ sequence)", "👩‍👩‍👧 team"],
    ["an emoji with the presentation selector before a ZWJ", "❤️‍🔥 fans"],
    ["a flag sequence", "🏳️‍🌈 crew"],
    ["a skin tone", "👋🏽 hello"],
    ["Persian with ZWNJ", "می‌خواهم"],
    ["Hindi with ZWJ after a virama", "क्‍ष"],
    ["Arabic", "مرحبا"],
    ["Greek and German", "Ελληνικά Straße"],
    ["punctuation", "O'Brien & Co. (staging) #2 — v1.0"],
  ])("%s: %s", (_, value) => {
    expect(name.parse(value)).toBe(value);
  });

  it("trims as before, and keeps the length messages", () => {
    expect(name.parse("  Zoë  ")).toBe("Zoë");
    expect(refusal(name, "   ").message).toBe("Enter a name.");
    expect(refusal(name, "x".repeat(65)).message).toBe("Use at most 64 characters.");
  });

  it("a multi-line field also takes tabs and line feeds, nothing else", () => {
    const notes = safeText("Notes", { max: 500, tooShort: "Enter notes.", multiline: true });
    expect(notes.parse("line one\n\tline two")).toBe("line one\n\tline two");
    expect(refusal(notes, "a\u0000b").message).toBe("Notes contains a control character (U+0000).");
    expect(refusal(notes, "a\rb").message).toBe("Notes contains a control character (U+000D).");
    expect(refusal(notes, "a\u202Eb").message).toMatch(/bidirectional/);
  });
});

describe("every typed name uses it", () => {
  const gateway = (n: string) => ({ name: n, slug: "echo-gw", upstreamType: "ECHO", models: ["keysmith-echo-1"] });
  const signUp = (n: string) => ({ name: n, email: "zoe@example.test", password: "a long enough password" });

  it.each([
    ["token names", tokenNameSchema, (n: string) => n, [], "Name"],
    ["project names", projectNameSchema, (n: string) => n, [], "Project name"],
    ["organization names", orgNameSchema, (n: string) => n, [], "Organization name"],
    ["gateway names", gatewayInputSchema, gateway, ["name"], "Name"],
    ["the name at sign-up", signUpSchema, signUp, ["name"], "Name"],
  ] as const)("%s", (_, schema, input, path, label) => {
    for (const bad of ["bad\u0000name", "invoice\u202Etxt.exe", "ad\u200Bmin"]) {
      const issue = refusal(schema, input(bad));
      expect(issue.path).toEqual(path);
      expect(issue.message).toMatch(new RegExp(`^${label} contains`));
    }
    expect(schema.safeParse(input("👩‍👩‍👧 Zoë's 東京 team")).success).toBe(true);
  });
});
