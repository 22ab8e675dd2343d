import { errorResponse } from "@/lib/api/responses";

export const dynamic = "force-dynamic";

// Unknown API paths answer in the API's JSON error shape, never an HTML page.
const notFound = () => errorResponse(404, "No such endpoint.");
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
