/**
 * The one frame every server action is written on (docs/architecture.md
 * "Changing things"). Server actions are public endpoints: whatever the client
 * sends, the frame authenticates the caller, authorizes them (lib/authz.ts),
 * validates the input with the same schema the form used (lib/schemas/), builds
 * the change's audit metadata, runs the body, and maps every refusal once:
 * a DomainError becomes a form error on its field, anything else a generic
 * message (and a log line) with nothing of the internals.
 *
 *   export const renameProjectAction = orgAction("projects:write", projectRename,
 *     (input, { db, meta }) => renameProject(db, meta, input.id, input.name));
 *
 * The result is `(orgSlug, input)` for org actions, `(input)` otherwise, where
 * `input` is the form's FormData or the schema's input object.
 */
import "server-only";
import { headers } from "next/headers";
import type { z } from "zod";
import { userActor, type ChangeMeta } from "@/lib/audit/record";
import { currentUser, orgContext, type OrgContext, type SessionUser } from "@/lib/auth/session";
import { can, type Action } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";
import { fieldErrors, formValues } from "@/lib/schemas/form";

/** What every action answers its form with. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface UserActionContext {
  user: SessionUser;
  db: PrismaClient;
  request: RequestMeta;
}

export interface OrgActionContext extends UserActionContext {
  ctx: OrgContext;
  /** Who changes what, in which org, from where: what the services audit. */
  meta: ChangeMeta;
}

type Input<S extends z.ZodType> = FormData | z.input<S>;
/** A message for the form's status line: fixed, or made from the result. */
type Message<T> = string | ((data: T) => string);

async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  return { ip: clientIpFromHeaders(h), userAgent: userAgentFromHeaders(h) };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input instanceof FormData ? formValues(input) : input);
  if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error));
  return parsed.data;
}

class InvalidInput extends Error {
  constructor(readonly fieldErrors: Record<string, string>) {
    super("Please correct the highlighted fields.");
  }
}

/** Runs an action body: the result, or the refusal the form shows (never an internal error's text). */
async function run<T>(body: () => Promise<T>, message?: Message<T>): Promise<ActionResult<T>> {
  try {
    const data = await body();
    return { ok: true, data, message: typeof message === "function" ? message(data) : message };
  } catch (error) {
    if (error instanceof InvalidInput) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (error instanceof DomainError) return { ok: false, error: error.message, fieldErrors: error.field ? { [error.field]: error.message } : undefined };
    // Next's redirect()/notFound() throw control-flow errors that must propagate.
    if (error instanceof Error && "digest" in error) throw error;
    console.error("action failed:", error instanceof Error ? error.message : error);
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

async function signedIn(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new DomainError("forbidden", "Your session has ended. Sign in again.");
  return user;
}

/** An action anyone may call (signing up). */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  body: (input: z.output<S>, c: { db: PrismaClient; request: RequestMeta }) => Promise<T>,
  message?: Message<T>,
) {
  return async (input: Input<S>): Promise<ActionResult<T>> =>
    run(async () => body(parse(schema, input), { db: await getDb(), request: await requestMeta() }), message);
}

/** An action of a signed-in user outside any org (their account, a new org, an invitation). */
export function userAction<S extends z.ZodType, T>(schema: S, body: (input: z.output<S>, c: UserActionContext) => Promise<T>, message?: Message<T>) {
  return async (input: Input<S>): Promise<ActionResult<T>> =>
    run(async () => {
      const user = await signedIn();
      return body(parse(schema, input), { user, db: await getDb(), request: await requestMeta() });
    }, message);
}

/**
 * An action in the org `orgSlug` names, for members whose role may take
 * `action`. Non-members and unknown orgs get the same answer.
 */
export function orgAction<S extends z.ZodType, T>(
  action: Action,
  schema: S,
  body: (input: z.output<S>, c: OrgActionContext) => Promise<T>,
  message?: Message<T>,
) {
  return async (orgSlug: string, input: Input<S>): Promise<ActionResult<T>> =>
    run(async () => {
      const user = await signedIn();
      const ctx = typeof orgSlug === "string" ? await orgContext(orgSlug) : null;
      if (!ctx) throw new DomainError("not_found", "Organization not found.");
      if (!can(ctx.role, action)) throw new DomainError("forbidden", "You do not have permission to do that.");
      const request = await requestMeta();
      const meta: ChangeMeta = { orgId: ctx.org.id, actor: userActor(ctx.user), ...request };
      return body(parse(schema, input), { user, ctx, db: await getDb(), request, meta });
    }, message);
}
