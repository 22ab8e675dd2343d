"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/actions";

type ServerAction<T> = (prev: unknown, form: FormData) => Promise<ActionResult<T>>;

/**
 * useActionState for our server actions, with an `onSuccess` that runs inside
 * the action's transition (closing a dialog, resetting a form) instead of in an
 * effect after render. Also returns the field errors, ready for the form.
 */
export function useFormAction<T>(action: ServerAction<T>, onSuccess?: (data: T, form: FormData) => void) {
  const [state, run, pending] = useActionState(async (prev: ActionResult<T> | null, form: FormData) => {
    const result = await action(prev, form);
    if (result.ok) onSuccess?.(result.data, form);
    return result;
  }, null);
  const fieldErrors = state && !state.ok ? state.fieldErrors ?? {} : {};
  const formError = state && !state.ok ? state.error : undefined;
  return { state, run, pending, fieldErrors, formError };
}
