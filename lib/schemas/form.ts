/**
 * Reading forms with the shared schemas. A form posts strings; a field that
 * repeats (checkboxes) posts several. `formValues` turns FormData into the
 * plain object the schemas parse, on the client before the round trip and in
 * the action frame on the server alike. Client-safe.
 */
import { z } from "zod";

export type FormValues = Record<string, string | string[]>;

/** One string per field, or an array when the field appears more than once. Files are not read. */
export function formValues(form: FormData): FormValues {
  const out: FormValues = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** A checkbox group: absent (nothing ticked), one value, or several, always an array. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** An optional field that a form posts as "" when left empty. */
export const blankToUndefined = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** The first message per field ("a.b" for nested paths; "_" for the input as a whole). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[issue.path.join(".") || "_"] ??= issue.message;
  return out;
}

/** An id posted by the console (a cuid): anything else is not one of ours. */
export const id = z.string().trim().min(1, "Missing id.").max(64, "Not a valid id.");
