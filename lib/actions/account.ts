"use server";

/** A person's own account: signing up, the password, their sessions. */
import { z } from "zod";
import { revalidatePath } from "next/cache";
import { changePassword, signUp, updateProfile } from "@/lib/accounts/service";
import { currentSessionId } from "@/lib/auth/session";
import { endAllSessions } from "@/lib/auth/sessions";
import { changePasswordInput, profileInput, signUpInput } from "@/lib/schemas/account";
import { publicAction, userAction } from "./frame";

export const signUpAction = publicAction(signUpInput, async (input, c) => ({ orgSlug: (await signUp(c.db, input, c.request)).orgSlug }));

export const updateProfileAction = userAction(
  profileInput,
  async ({ name }, c) => {
    await updateProfile(c.db, c.user.id, name);
    revalidatePath("/", "layout");
  },
  "Name saved.",
);

/** Changes the password; every other session of the user ends. */
export const changePasswordAction = userAction(
  changePasswordInput,
  async ({ current, next }, c) => ({ ended: await changePassword(c.db, c.user.id, current, next, await currentSessionId()) }),
  "Password changed. Your other sessions were signed out.",
);

/** Ends every session of the user, this one included (the browser then clears its cookie). */
export const signOutEverywhereAction = userAction(z.object({}), async (_input, c) => ({ ended: await endAllSessions(c.db, c.user.id) }));
