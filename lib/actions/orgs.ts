"use server";

/** Creating an org (any signed-in user) and renaming it (admins). */
import { revalidatePath } from "next/cache";
import { createOrgFor, renameOrg } from "@/lib/orgs/service";
import { orgInput } from "@/lib/schemas/orgs";
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
