/**
 * Text fields people type (names, labels): what a form and the API accept.
 * Client-safe: zod only, so a browser form can check with the very rules the
 * server applies.
 *
 * Refused, with a message naming the field and the character: text that is not
 * well-formed (a lone surrogate cannot be stored as UTF-8), U+FFFD (what invalid
 * UTF-8 became when it was decoded: keeping it would store an altered value),
 * control characters, bidirectional controls (they reorder what a reader sees),
 * and invisible characters (two names that look alike but differ). ZWJ and ZWNJ
 * belong to emoji sequences and to Persian and Indic words, so they pass between
 * two visible characters.
 */
import { z } from "zod";

interface Rule {
  /** Finds the first offending character (`u`: code points, not UTF-16 units). */
  pattern: RegExp;
  what: string;
}

// Visible = not white space, not a control or format character. Combining marks
// (a virama, the emoji presentation selector U+FE0F) count as visible: they
// belong to the character before them, so "क्‍ष" and "❤️‍🔥" keep their joiners.
const NOT_VISIBLE = String.raw`\s\p{Cc}\p{Cf}`;

const replacement: Rule = { pattern: /\uFFFD/u, what: "the replacement character, left where text was not valid UTF-8" };
// C0 and C1 controls (\p{Cc}, DEL included) and the Unicode line and paragraph separators.
const control: Rule = { pattern: /[\p{Cc}\u2028\u2029]/u, what: "a control character" };
const controlButTabOrLineFeed: Rule = { pattern: /[^\t\n\P{Cc}]|[\u2028\u2029]/u, what: "a control character" };
const bidi: Rule = { pattern: /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u, what: "a bidirectional control character" };
const invisible: Rule = { pattern: /[\u200B\u2060-\u2064\uFEFF\u180E\u00AD]/u, what: "an invisible character" };
const strayJoiner: Rule = {
  pattern: new RegExp(String.raw`(?<![^${NOT_VISIBLE}])[\u200C\u200D]|[\u200C\u200D](?![^${NOT_VISIBLE}])`, "u"),
  what: "a zero-width joiner that is not between two visible characters",
};

const SINGLE_LINE = [replacement, control, bidi, invisible, strayJoiner];
const MULTILINE = [replacement, controlButTabOrLineFeed, bidi, invisible, strayJoiner];

function codePoint(text: string, index: number): string {
  return `U+${text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** What is wrong with `value` ("contains …"), or null when nothing is. */
export function unsafeTextProblem(value: string, { multiline = false }: { multiline?: boolean } = {}): string | null {
  if (!value.isWellFormed()) return "is not well-formed text (it has a lone surrogate)";
  for (const rule of multiline ? MULTILINE : SINGLE_LINE) {
    const match = rule.pattern.exec(value);
    if (match) return `contains ${rule.what} (${codePoint(value, match.index)})`;
  }
  return null;
}

export interface SafeTextOptions {
  /** At most this many characters (after trimming). */
  max: number;
  /** At least this many characters (default 1). */
  min?: number;
  /** The message when shorter than `min`, e.g. "Enter a name.". */
  tooShort: string;
  /** Also allow tabs and line feeds (a token's description). */
  multiline?: boolean;
}

/** A trimmed text field of `min`–`max` characters without invisible or invalid characters; `label` names it in messages. */
export function safeText(label: string, { max, min = 1, tooShort, multiline = false }: SafeTextOptions) {
  return z
    .string()
    .trim()
    .min(min, tooShort)
    .max(max, `Use at most ${max} characters.`)
    .superRefine((value, ctx) => {
      const problem = unsafeTextProblem(value, { multiline });
      if (problem) ctx.addIssue({ code: "custom", message: `${label} ${problem}.` });
    });
}
