import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Cell, Row, Table } from "@/components/ui/table";
import { CreateProjectForm, DeleteProjectButton, RenameProjectButton } from "@/components/projects/project-forms";
import { DateTime } from "@/components/time";
import { can } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { listProjectsWithTokens } from "@/lib/projects/service";
import { FolderKanban } from "lucide-react";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const projects = await listProjectsWithTokens(ctx.db, ctx.org.id);
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
        <EmptyState icon={FolderKanban} title="No projects yet">
          {canWrite ? "Create the first one above: a workspace token can then be limited to it." : "A developer or admin can create one."}
        </EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <Table
            columns={[
              { label: "Name" },
              { label: "Tokens" },
              { label: "ID" },
              { label: "Created" },
              ...(canWrite ? [{ label: "Actions", srOnly: true, align: "right" as const }] : []),
            ]}
          >
            {projects.map((p) => (
              <Row key={p.id}>
                <Cell label="Name" primary className="font-medium text-zinc-900">
                  {p.name}
                </Cell>
                <Cell label="Tokens" className="tabular-nums text-zinc-600">
                  {p.liveTokens} live
                </Cell>
                <Cell label="ID">
                  <span className="inline-flex items-center gap-1.5 font-mono text-xs text-zinc-500">
                    {p.id}
                    <CopyButton text={p.id} what={`ID of ${p.name}`} className="rounded px-1.5 py-0.5 font-sans text-xs text-brand-700 hover:bg-brand-50" />
                  </span>
                </Cell>
                <Cell label="Created" className="text-zinc-600">
                  <DateTime value={p.createdAt} />
                </Cell>
                {canWrite && (
                  <Cell label="Actions" align="right" className="whitespace-nowrap">
                    <RenameProjectButton orgSlug={ctx.org.slug} project={{ id: p.id, name: p.name }} />
                    <DeleteProjectButton orgSlug={ctx.org.slug} project={{ id: p.id, name: p.name, liveTokens: p.liveTokens }} />
                  </Cell>
                )}
              </Row>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}
