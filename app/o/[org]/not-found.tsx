import { SearchX } from "lucide-react";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

/** Inside an organization (an unknown gateway, a deleted page): the shell stays. */
export default function OrgNotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <span className="flex size-12 items-center justify-center rounded-full bg-zinc-100">
        <SearchX aria-hidden className="size-6 text-zinc-500" />
      </span>
      <p className="mt-4 text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-900">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-600">It does not exist, or you do not have access to it.</p>
      <Link href=".." className={buttonClasses("secondary", "md", "mt-6")}>
        Back
      </Link>
    </div>
  );
}
