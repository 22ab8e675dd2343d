"use server";

import { ActionError, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { EmailTaken, signUp, signUpSchema, TooManySignUps } from "@/lib/accounts";
import { getDb } from "@/lib/db/client";
import { MemberError } from "@/lib/members";

export async function signUpAction(_prev: unknown, form: FormData): Promise<ActionResult<{ orgSlug: string }>> {
  return runAction(async () => {
    const input = parseInput(signUpSchema, {
      name: form.get("name"),
      email: form.get("email"),
      password: form.get("password"),
      orgName: form.get("orgName") ?? undefined,
      invite: form.get("invite") || undefined,
    });
    try {
      const { orgSlug } = await signUp(await getDb(), input, await requestMeta());
      return { orgSlug };
    } catch (error) {
      if (error instanceof EmailTaken) throw new ActionError(error.message, { email: error.message });
      if (error instanceof MemberError || error instanceof TooManySignUps) throw new ActionError(error.message);
      throw error;
    }
  });
}
