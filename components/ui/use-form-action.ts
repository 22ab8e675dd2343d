"use client";

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";
import type { z } from "zod";
import type { ActionResult } from "@/lib/actions/frame";
import { fieldErrors as issuesByField, formValues } from "@/lib/schemas/form";
import { callAction } from "./call-action";

type FormAction<T> = (form: FormData) => Promise<ActionResult<T>>;

/**
 * A form on one of our server actions (lib/actions/). With `schema` (the one
 * the action validates with, from lib/schemas/), the form is checked here first,
 * with the same messages, and a form with a mistake never makes the round trip.
 * Submitted through `onSubmit` rather than `<form action>`: React resets a form
 * after an action, which would wipe what the user typed whenever it is refused.
 * `onSuccess` runs inside the action's transition (closing a dialog, resetting a
 * form). After a refusal, focus moves to the first field in error.
 */
export function useFormAction<T>(action: FormAction<T>, options: { schema?: z.ZodType; onSuccess?: (data: T, form: FormData) => void } = {}) {
  const formRef = useRef<HTMLFormElement | null>(null);
  const [state, run, pending] = useActionState(async (_prev: ActionResult<T> | null, form: FormData): Promise<ActionResult<T>> => {
    const checked = options.schema?.safeParse(formValues(form));
    if (checked && !checked.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: issuesByField(checked.error) };
    const result = await callAction(() => action(form));
    if (result.ok) options.onSuccess?.(result.data, form);
    return result;
  }, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    formRef.current = event.currentTarget;
    const form = new FormData(event.currentTarget);
    startTransition(() => run(form));
  };
  const fieldErrors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  useEffect(() => {
    if (hasFieldErrors) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state, hasFieldErrors]);
  // A message the fields already show is not repeated above the form.
  const formError = state && !state.ok && !hasFieldErrors ? state.error : undefined;
  return { state, onSubmit, pending, fieldErrors, formError };
}
