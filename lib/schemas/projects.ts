/** Projects: what the project forms and the Workspace API accept. Client-safe. */
import { z } from "zod";
import { id } from "./form";
import { safeText } from "./text";

export const projectName = safeText("Project name", { max: 64, tooShort: "Enter a project name." });

export const projectInput = z.object({ name: projectName });
export const projectRename = z.object({ id, name: projectName });
export const projectRef = z.object({ id });
