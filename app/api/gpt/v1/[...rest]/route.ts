import { errorResponse } from "@/lib/api/responses";
import { cameFromGateway, LOOP_MESSAGE, LOOP_STATUS } from "@/lib/gateways/hop";

export const dynamic = "force-dynamic";

/** A gateway's own call is refused here too: every path under the gateway API answers a loop the same way. */
const unknownEndpoint = (request: Request) =>
  cameFromGateway(request.headers) ? errorResponse(LOOP_STATUS, LOOP_MESSAGE) : errorResponse(404, "No such endpoint.");
export { unknownEndpoint as GET, unknownEndpoint as POST, unknownEndpoint as PUT, unknownEndpoint as PATCH, unknownEndpoint as DELETE };
