"use server";

/** Leaked tokens in the console (admins): the org's leak policy, and reporting a token leaked. */
import { reportLeakedToken } from "@/lib/leaks/report";
import { setLeakPolicy } from "@/lib/leaks/policy";
import { leakPolicyInput, leakReportInput } from "@/lib/schemas/leaks";
import { orgAction } from "./frame";

export const setLeakPolicyAction = orgAction(
  "org:manage",
  leakPolicyInput,
  ({ leakPolicy }, c) => setLeakPolicy(c.db, c.meta, leakPolicy),
  (policy) => (policy === "REVOKE" ? "Saved: leaked tokens are revoked at once." : "Saved: leaked tokens are flagged, not revoked."),
);

export const reportLeakedTokenAction = orgAction("org:manage", leakReportInput, (input, c) => reportLeakedToken(c.db, c.meta, input, "console"));
