/**
 * The gateway API (`/api/gpt/v1/*`): Anthropic's Messages API in front of each
 * gateway's upstream (docs/contract.md §4, §9).
 */
import "server-only";
import { parseJson } from "@/lib/api/body";
import type { ApiRequest } from "@/lib/api/request";
import { ApiError, errorResponse, json } from "@/lib/api/responses";
import { tokenRoute } from "@/lib/api/token-route";
import { enforceTokenRules, GATEWAY_API, gatewayMaxBodyBytes, recordCall, resolveGateway, upstreamKey } from "@/lib/gateways/api";
import { echoReply, echoStream } from "@/lib/gateways/echo";
import { cameFromGateway, LOOP_MESSAGE, LOOP_STATUS } from "@/lib/gateways/hop";
import { messagesRequest } from "@/lib/gateways/messages";
import { meterEventStream, upstreamJson, upstreamStream } from "@/lib/gateways/upstream";
import { getDb } from "@/lib/db/client";
import { logCall } from "@/lib/tokens/usage";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

/** Anthropic's Messages API, in front of the gateway's upstream. */
export const messages = {
  POST: tokenRoute(GATEWAY_API, async ({ request, principal, db, call }) => {
    const gateway = await resolveGateway(db, principal, request.headers);
    const body = await parseJson(request, messagesRequest, { maxBytes: gatewayMaxBodyBytes() });
    call.model = body.model;
    if (!gateway.models.includes(body.model)) {
      throw new ApiError(400, `model: "${body.model}" is not available on this gateway. Available: ${gateway.models.join(", ")}.`);
    }
    await enforceTokenRules(principal, body.model);
    const streamed = body.stream === true;

    if (gateway.upstreamType === "ECHO") {
      if (streamed) {
        const { stream, usage } = echoStream(body);
        recordCall(principal, call, body.model, usage);
        return new Response(stream, { headers: SSE_HEADERS });
      }
      const { message } = echoReply(body);
      recordCall(principal, call, body.model, message.usage);
      return json(message);
    }

    const target = { baseUrl: gateway.upstreamBaseUrl ?? "", apiKey: upstreamKey(gateway) };
    if (streamed) {
      const upstream = await upstreamStream(target, "/v1/messages", body, request.headers);
      // The counts are known when the stream ends: the log entry waits for them.
      call.deferred = true;
      const metered = meterEventStream(upstream, (usage) => {
        recordCall(principal, call, body.model, usage);
        logCall(getDb, call);
      });
      return new Response(metered, { headers: SSE_HEADERS });
    }
    const message = (await upstreamJson(target, "/v1/messages", body, request.headers)) as {
      usage?: { input_tokens?: number; output_tokens?: number };
    };
    recordCall(principal, call, body.model, { input_tokens: message.usage?.input_tokens ?? 0, output_tokens: message.usage?.output_tokens ?? 0 });
    return json(message);
  }),
};

/** The gateway's models, in the shape of Anthropic's List Models API. */
export const models = {
  GET: tokenRoute(GATEWAY_API, async ({ request, principal, db }) => {
    const gateway = await resolveGateway(db, principal, request.headers);
    // A token limited to some models sees only those.
    const ids = principal.allowedModels.length ? gateway.models.filter((m) => principal.allowedModels.includes(m)) : gateway.models;
    const data = ids.map((id) => ({ type: "model", id, display_name: id, created_at: gateway.createdAt.toISOString() }));
    return json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }),
};

/** A gateway's own call is refused on every path of the gateway API alike: a loop gets one answer. */
export const unknownGatewayEndpoint = async (request: ApiRequest) =>
  cameFromGateway(request.headers) ? errorResponse(LOOP_STATUS, LOOP_MESSAGE) : errorResponse(404, "No such endpoint.");
