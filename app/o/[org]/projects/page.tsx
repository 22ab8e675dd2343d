import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CreateProjectForm, DeleteProjectButton, RenameProjectButton } from "@/components/projects/project-forms";
import { DateTime } from "@/components/time";
import { can } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import { listProjects } from "@/lib/projects";
import { requireOrg } from "@/lib/session";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const projects = await listProjects(await getDb(), ctx.org.id);
  const canWrite = can(ctx.role, "projects:write");
  return (
    <>
      <PageHeader
        title="Projects"
        description="Group your work; a workspace token can be limited to one project. The Workspace API manages these too."
      />
      {canWrite && (
        <Card className="mb-6 p-5">
          <CreateProjectForm orgSlug={ctx.org.slug} />
        </Card>
      )}
      {projects.length === 0 ? (
        <EmptyState title="No projects yet">{canWrite ? "Create the first one above." : "A developer or admin can create one."}</EmptyState>
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th scope="col" className="px-5 py-3 font-medium">Name</th>
                <th scope="col" className="px-5 py-3 font-medium">ID</th>
                <th scope="col" className="px-5 py-3 font-medium">Created</th>
                {canWrite && <th scope="col" className="px-5 py-3 text-right font-medium"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {projects.map((p) => (
                <tr key={p.id}>
                  <td className="px-5 py-3 font-medium text-zinc-900">{p.name}</td>
                  <td className="px-5 py-3 font-mono text-xs text-zinc-500">{p.id}</td>
                  <td className="px-5 py-3 text-zinc-600"><DateTime value={p.createdAt} /></td>
                  {canWrite && (
                    <td className="px-5 py-3 text-right">
                      <RenameProjectButton orgSlug={ctx.org.slug} project={{ id: p.id, name: p.name }} />
                      <DeleteProjectButton orgSlug={ctx.org.slug} project={{ id: p.id, name: p.name }} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
