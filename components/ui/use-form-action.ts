"use client";

import { startTransition, useActionState, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions";

type ServerAction<T> = (prev: unknown, form: FormData) => Promise<ActionResult<T>>;

/**
 * useActionState for our server actions, submitted through `onSubmit` rather
 * than `<form action>`: React resets a form after an action, which would wipe
 * what the user typed whenever the server rejects it. `onSuccess` runs inside
 * the action's transition (closing a dialog, resetting a form) instead of in an
 * effect after render.
 */
export function useFormAction<T>(action: ServerAction<T>, onSuccess?: (data: T, form: FormData) => void) {
  const [state, run, pending] = useActionState(async (prev: ActionResult<T> | null, form: FormData) => {
    const result = await action(prev, form);
    if (result.ok) onSuccess?.(result.data, form);
    return result;
  }, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => run(form));
  };
  const fieldErrors = state && !state.ok ? state.fieldErrors ?? {} : {};
  const formError = state && !state.ok ? state.error : undefined;
  return { state, onSubmit, pending, fieldErrors, formError };
}
