import { redirect } from "next/navigation";
import { currentUser, userOrgs } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Home: the user's first org, or where to start. */
export default async function Home() {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  const orgs = await userOrgs(user.id);
  redirect(orgs.length ? `/o/${orgs[0].org.slug}` : "/orgs/new");
}
