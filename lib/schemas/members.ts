/** Members and invitations (docs/contract.md §1). Client-safe. */
import { z } from "zod";
import { ROLES } from "@/lib/authz";
import { id } from "./form";

export const role = z.enum(ROLES, { error: "Choose a role." });
export const email = z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254, "Use at most 254 characters.");

export const inviteInput = z.object({ email, role });
export const changeRoleInput = z.object({ id, role });
export const memberRef = z.object({ id });
export const invitationSecret = z.object({ secret: z.string().min(1, "This invitation link is incomplete.").max(200) });
