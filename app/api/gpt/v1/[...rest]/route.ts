import { errorResponse } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

const notFound = () => errorResponse(404, "No such endpoint.");
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
