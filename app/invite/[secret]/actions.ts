"use server";

import { z } from "zod";
import { ActionError, authorizeUser, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { getDb } from "@/lib/db/client";
import { acceptInvitation, MemberError } from "@/lib/members";

export async function acceptInvitationAction(_prev: unknown, form: FormData): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const user = await authorizeUser();
    const { secret } = parseInput(z.object({ secret: z.string().min(1).max(200) }), { secret: form.get("secret") });
    try {
      return { slug: await acceptInvitation(await getDb(), secret, user, await requestMeta()) };
    } catch (error) {
      if (error instanceof MemberError) throw new ActionError(error.message);
      throw error;
    }
  });
}
