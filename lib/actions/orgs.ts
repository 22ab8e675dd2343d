"use server";

/** Creating an org (any signed-in user), renaming and deleting it (admins), leaving it (members). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { leaveOrg } from "@/lib/members/service";
import { createOrgFor, deleteOrg, renameOrg } from "@/lib/orgs/service";
import { deleteOrgInput, orgInput } from "@/lib/schemas/orgs";
import { orgAction, userAction } from "./frame";

export const createOrgAction = userAction(orgInput, async ({ name }, c) => ({ slug: (await createOrgFor(c.db, c.user, name, c.request)).slug }));

export const renameOrgAction = orgAction(
  "org:manage",
  orgInput,
  async ({ name }, c) => {
    await renameOrg(c.db, c.meta, c.ctx.org.name, name);
    revalidatePath(`/o/${c.ctx.org.slug}`, "layout");
  },
  "Organization renamed.",
);

/** Any member may leave (their tokens here are revoked); the last admin may not. */
export const leaveOrgAction = orgAction("org:read", z.object({}), async (_input, c) => {
  await leaveOrg(c.db, c.meta, c.user.id);
  revalidatePath("/", "layout");
});

/** The last admin deletes the org, its slug typed. */
export const deleteOrgAction = orgAction("org:manage", deleteOrgInput, async ({ confirm }, c) => {
  await deleteOrg(c.db, c.meta, c.user.id, confirm);
  revalidatePath("/", "layout");
});
