/**
 * Leaked tokens: the org's leak policy and an admin's report, as the console's
 * forms and actions accept them. Client-safe. (The Workspace API's report body
 * is in ./workspace-api.ts; a scanner's report is read in lib/api/routes/security.ts.)
 */
import { z } from "zod";
import { blankToUndefined } from "./form";

export const LEAK_POLICIES = ["REVOKE", "FLAG"] as const;
export type LeakPolicyChoice = (typeof LEAK_POLICIES)[number];
export const LEAK_POLICY_LABELS: Record<LeakPolicyChoice, { label: string; help: string }> = {
  REVOKE: {
    label: "Revoke at once (recommended)",
    help: "The token, and every token it minted, stop working the moment a leak is reported.",
  },
  FLAG: {
    label: "Flag only",
    help: "The token is marked leaked and admins are e-mailed; it keeps working until someone revokes or regenerates it.",
  },
};
export const leakPolicyInput = z.object({ leakPolicy: z.enum(LEAK_POLICIES, { error: "Choose what a leak report does." }) });

/** Where a reported token was found: a URL, or empty when the reporter does not know. */
const leakUrl = blankToUndefined(
  z
    .string()
    .trim()
    .max(2_000, "Use a URL of at most 2,000 characters.")
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "Enter an http:// or https:// URL, or leave it empty."),
);

/**
 * An admin's report: the token itself, or its masked form as the console shows
 * it (`ksw_AbC1…wxYz`, also with "..." for the ellipsis), plus where it was found.
 */
export const leakReportInput = z.object({
  token: z.string({ error: "Paste the token or its masked form." }).trim().min(1, "Paste the token or its masked form.").max(200, "That is longer than any token."),
  url: leakUrl,
});
export type LeakReportInput = z.output<typeof leakReportInput>;
