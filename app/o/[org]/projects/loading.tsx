import { PageSkeleton } from "@/components/feedback/page-skeleton";

/** Shown while the page loads. Not on admin-only pages: a loading boundary commits a 200 before their permission check could answer 404. */
export default function Loading() {
  return <PageSkeleton />;
}
