"use client";

import { useRef, useState } from "react";
import { createProjectAction, deleteProjectAction, renameProjectAction } from "@/app/o/[org]/projects/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";

type ProjectRef = { id: string; name: string };

export function CreateProjectForm({ orgSlug }: { orgSlug: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(createProjectAction.bind(null, orgSlug), () =>
    formRef.current?.reset(),
  );
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
      {!fieldErrors.name && <FormError message={formError} />}
    </form>
  );
}

export function RenameProjectButton({ orgSlug, project }: { orgSlug: string; project: ProjectRef }) {
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(renameProjectAction.bind(null, orgSlug), () => setOpen(false));
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} aria-label={`Rename ${project.name}`}>
        Rename
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Rename ${project.name}`}>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <input type="hidden" name="id" value={project.id} />
          <TextField label="Project name" name="name" defaultValue={project.name} required maxLength={64} error={fieldErrors.name} />
          {!fieldErrors.name && <FormError message={formError} />}
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

export function DeleteProjectButton({ orgSlug, project }: { orgSlug: string; project: ProjectRef }) {
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, formError } = useFormAction(deleteProjectAction.bind(null, orgSlug), () => setOpen(false));
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setOpen(true)} aria-label={`Delete ${project.name}`}>
        Delete
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Delete ${project.name}?`}
        description="Tokens limited to this project are revoked with it. This cannot be undone."
      >
        <form onSubmit={onSubmit} className="space-y-4">
          <input type="hidden" name="id" value={project.id} />
          <FormError message={formError} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Deleting…" : "Delete project"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
