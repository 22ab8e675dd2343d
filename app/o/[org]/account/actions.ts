"use server";

import { z } from "zod";
import { ActionError, authorizeUser, parseInput, runAction, type ActionResult } from "@/lib/actions";
import { changePassword, passwordSchema, WrongPassword } from "@/lib/accounts";
import { endAllSessions } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db/client";
import { currentSessionId } from "@/lib/session";

const changePasswordInput = z
  .object({ current: z.string().min(1, "Enter your current password.").max(1024), next: passwordSchema, confirm: z.string() })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "Does not match the new password." });

/** Changes the password; every other session of the user ends. */
export async function changePasswordAction(_prev: unknown, form: FormData): Promise<ActionResult<{ ended: number }>> {
  return runAction(async () => {
    const user = await authorizeUser();
    const input = parseInput(changePasswordInput, { current: form.get("current"), next: form.get("next"), confirm: form.get("confirm") });
    try {
      return { ended: await changePassword(await getDb(), user.id, input.current, input.next, await currentSessionId()) };
    } catch (error) {
      if (error instanceof WrongPassword) throw new ActionError(error.message, { current: error.message });
      throw error;
    }
  }, "Password changed. Your other sessions were signed out.");
}

/** Ends every session of the user, this one included (the browser then clears its cookie). */
export async function signOutEverywhereAction(): Promise<ActionResult<{ ended: number }>> {
  return runAction(async () => {
    const user = await authorizeUser();
    return { ended: await endAllSessions(await getDb(), user.id) };
  });
}
