"use client";

import { useRef, useState } from "react";
import { createProjectAction, deleteProjectAction, renameProjectAction } from "@/lib/actions/projects";
import { projectInput, projectRename } from "@/lib/schemas/projects";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

type ProjectRef = { id: string; name: string };

export function CreateProjectForm({ orgSlug }: { orgSlug: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(createProjectAction.bind(null, orgSlug), {
    schema: projectInput,
    onSuccess: () => formRef.current?.reset(),
  });
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3" noValidate>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="flex-1">
          <TextField label="New project name" name="name" required maxLength={64} placeholder="e.g. Billing service" error={fieldErrors.name} />
        </div>
        <Button type="submit" className="sm:mt-[26px]" disabled={pending}>
          {pending ? "Creating…" : "Create project"}
        </Button>
      </div>
      <FormError message={formError} />
    </form>
  );
}

export function RenameProjectButton({ orgSlug, project }: { orgSlug: string; project: ProjectRef }) {
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(renameProjectAction.bind(null, orgSlug), { schema: projectRename, onSuccess: () => setOpen(false) });
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} aria-label={`Rename ${project.name}`}>
        Rename
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Rename ${project.name}`}>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <input type="hidden" name="id" value={project.id} />
          <TextField label="Project name" name="name" defaultValue={project.name} required maxLength={64} error={fieldErrors.name} />
          <FormError message={formError} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/** Deleting a project revokes the tokens limited to it: the dialog says how many, and asks for the name. */
export function DeleteProjectButton({ orgSlug, project }: { orgSlug: string; project: ProjectRef & { liveTokens: number } }) {
  const [open, setOpen] = useState(false);
  const n = project.liveTokens;
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setOpen(true)} aria-label={`Delete ${project.name}`}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Delete ${project.name}?`}
        description="This cannot be undone."
        typed={project.name}
        confirmLabel="Delete project"
        pendingLabel="Deleting…"
        confirm={() => deleteProjectAction(orgSlug, { id: project.id })}
        onDone={() => setOpen(false)}
      >
        <p className="text-sm text-zinc-700" data-testid="delete-project-consequence">
          {n === 0
            ? "No live token is limited to this project."
            : `${n === 1 ? "1 live token is" : `${n} live tokens are`} limited to this project and will be revoked with it: applications using ${n === 1 ? "it" : "them"} get 401 errors at once.`}
        </p>
      </ConfirmDialog>
    </>
  );
}
