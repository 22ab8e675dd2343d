import { Card, PageHeader } from "@/components/ui/card";

/** An honest placeholder for a section that is planned but not built yet. */
export function ComingSoon({ title, description, plans }: { title: string; description: string; plans: string[] }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <Card className="p-6">
        <p className="text-sm font-medium text-zinc-900">Coming soon</p>
        <p className="mt-1 text-sm text-zinc-600">This section is not built yet. What it will do:</p>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-zinc-600">
          {plans.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </Card>
    </>
  );
}
