"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, authorizeOrg, parseInput, requestMeta, runAction, type ActionResult } from "@/lib/actions";
import { userActor } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { createProject, deleteProject, ProjectNameTaken, projectNameSchema, renameProject } from "@/lib/projects";

const idSchema = z.string().min(1).max(64);

async function changeContext(orgSlug: unknown) {
  const ctx = await authorizeOrg(orgSlug, "projects:write");
  return { ctx, change: { orgId: ctx.org.id, actor: userActor(ctx.user), ...(await requestMeta()) } };
}

function rethrowTaken(error: unknown): never {
  if (error instanceof ProjectNameTaken) throw new ActionError(error.message, { name: error.message });
  throw error;
}

export async function createProjectAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await changeContext(orgSlug);
    const { name } = parseInput(z.object({ name: projectNameSchema }), { name: form.get("name") });
    await createProject(await getDb(), change, name).catch(rethrowTaken);
    revalidatePath(`/o/${ctx.org.slug}/projects`);
    return undefined;
  }, "Project created.");
}

export async function renameProjectAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await changeContext(orgSlug);
    const { id, name } = parseInput(z.object({ id: idSchema, name: projectNameSchema }), {
      id: form.get("id"),
      name: form.get("name"),
    });
    const project = await renameProject(await getDb(), change, id, name).catch(rethrowTaken);
    if (!project) throw new ActionError("Project not found.");
    revalidatePath(`/o/${ctx.org.slug}/projects`);
    return undefined;
  }, "Project renamed.");
}

export async function deleteProjectAction(orgSlug: string, _prev: unknown, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { ctx, change } = await changeContext(orgSlug);
    const { id } = parseInput(z.object({ id: idSchema }), { id: form.get("id") });
    if (!(await deleteProject(await getDb(), change, id))) throw new ActionError("Project not found.");
    revalidatePath(`/o/${ctx.org.slug}/projects`);
    return undefined;
  }, "Project deleted.");
}
