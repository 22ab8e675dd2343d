"use client";

import { AlertTriangle, RotateCw } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

/**
 * What an error boundary shows: branded, in place (the sidebar stays), with a
 * retry that asks the server again. The error's text is not shown: in production
 * it is a digest, and it could carry what a user should not see.
 */
export function PageProblem({ reset, digest, homeHref }: { reset: () => void; digest?: string; homeHref: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <div role="alert" className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <span className="flex size-12 items-center justify-center rounded-full bg-amber-50">
        <AlertTriangle aria-hidden className="size-6 text-amber-700" />
      </span>
      <h1 className="mt-4 text-xl font-semibold text-zinc-900">This page could not load</h1>
      <p className="mt-2 text-sm text-zinc-600">
        The connection may have dropped, or the server had a problem. Nothing was changed by loading it; try again in a moment.
      </p>
      {digest && <p className="mt-2 font-mono text-xs text-zinc-500">Reference {digest}</p>}
      <div className="mt-6 flex gap-2">
        <Button
          disabled={pending}
          onClick={() =>
            start(() => {
              router.refresh();
              reset();
            })
          }
        >
          <RotateCw aria-hidden className="size-4" />
          {pending ? "Trying again…" : "Try again"}
        </Button>
        <Link href={homeHref} className={buttonClasses("secondary")}>
          Go to the overview
        </Link>
      </div>
    </div>
  );
}
