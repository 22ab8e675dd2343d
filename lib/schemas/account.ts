/** Accounts: sign-up, password change. Client-safe. */
import { z } from "zod";
import { blankToUndefined } from "./form";
import { email } from "./members";
import { orgName } from "./orgs";
import { safeText } from "./text";

export const password = z.string().min(10, "Use at least 10 characters.").max(200, "Use at most 200 characters.");

export const signUpInput = z.object({
  name: safeText("Name", { max: 80, tooShort: "Enter your name." }),
  email,
  password,
  orgName: blankToUndefined(orgName),
  invite: blankToUndefined(z.string().max(200)),
});
export type SignUpInput = z.output<typeof signUpInput>;

/** What a person may change about themselves: the name shown to their organizations. */
export const profileInput = z.object({ name: safeText("Name", { max: 80, tooShort: "Enter your name." }) });

export const changePasswordInput = z
  .object({ current: z.string().min(1, "Enter your current password.").max(1024), next: password, confirm: z.string().max(1024) })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "Does not match the new password." });

/** The sign-in form: an empty field is the user's slip, caught before anything is sent. */
export const signInInput = z.object({
  email: z.string().trim().min(1, "Enter your e-mail address."),
  password: z.string().min(1, "Enter your password."),
});
