"use server";

/** Console actions on projects (developers and admins). */
import { revalidatePath } from "next/cache";
import { createProject, deleteProject, renameProject } from "@/lib/projects/service";
import { projectInput, projectRef, projectRename } from "@/lib/schemas/projects";
import { orgAction, type OrgActionContext } from "./frame";
import { plural } from "@/lib/text";

const refresh = (c: OrgActionContext) => revalidatePath(`/o/${c.ctx.org.slug}/projects`);

export const createProjectAction = orgAction(
  "projects:write",
  projectInput,
  async ({ name }, c) => {
    await createProject(c.db, c.meta, name);
    refresh(c);
  },
  "Project created.",
);

export const renameProjectAction = orgAction(
  "projects:write",
  projectRename,
  async ({ id, name }, c) => {
    await renameProject(c.db, c.meta, id, name);
    refresh(c);
  },
  "Project renamed.",
);

export const deleteProjectAction = orgAction(
  "projects:write",
  projectRef,
  async ({ id }, c) => {
    const result = await deleteProject(c.db, c.meta, id);
    refresh(c);
    return result;
  },
  ({ revoked }) => `Project deleted${revoked ? `; ${plural(revoked, "token")} revoked` : ""}.`,
);
