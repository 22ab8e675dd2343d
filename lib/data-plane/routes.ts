/**
 * The data plane's one route table (docs/architecture.md "The data plane"):
 * every endpoint a token opens, and the health probe. These paths never reach
 * Next.js; pages, server actions and the console's own JSON do.
 */
import "server-only";
import { messages, models, unknownGatewayEndpoint } from "@/lib/api/routes/gateway";
import { health } from "@/lib/api/routes/health";
import { tokenLeaks } from "@/lib/api/routes/security";
import { me, members, openapi, project, projects, reportLeak, token, tokens, tokenUsage, unknownEndpoint } from "@/lib/api/routes/workspace";
import type { RouteTable } from "./router";

export const API_ROUTES: RouteTable = {
  "/api/health": health,
  "/api/v1/openapi.json": openapi,
  "/api/v1/app/me": me,
  "/api/v1/app/projects": projects,
  "/api/v1/app/projects/[id]": project,
  "/api/v1/app/tokens": tokens,
  "/api/v1/app/tokens/[id]": token,
  "/api/v1/app/tokens/[id]/usage": tokenUsage,
  "/api/v1/app/members": members,
  "/api/v1/app/token-leaks": reportLeak,
  "/api/v1/[...rest]": { ANY: unknownEndpoint },
  "/api/gpt/v1/messages": messages,
  "/api/gpt/v1/models": models,
  "/api/gpt/v1/[...rest]": { ANY: unknownGatewayEndpoint },
  "/api/security/token-leaks": tokenLeaks,
};

/** The path prefixes the data plane answers for, whatever is behind them. */
export const API_PREFIXES = ["/api/health", "/api/v1", "/api/gpt", "/api/security"];
