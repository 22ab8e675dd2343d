"use client";

import { useParams } from "next/navigation";
import { PageProblem } from "@/components/feedback/page-problem";

/** A page of the console failed: the shell stays, the page offers a retry. */
export default function OrgError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { org } = useParams<{ org: string }>();
  return <PageProblem reset={reset} digest={error.digest} homeHref={`/o/${org}`} />;
}
