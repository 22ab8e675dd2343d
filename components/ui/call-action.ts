import type { ActionResult } from "@/lib/actions/frame";

export const UNREACHABLE = "Keysmith did not answer (the connection may have dropped). Nothing you entered is lost: try again.";

/**
 * Runs a server action from the browser. A refusal comes back as a result; a
 * network failure throws, which would replace the whole page with the error
 * boundary and lose the form: turn it into a result the form shows in place.
 */
export async function callAction<T>(run: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await run();
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}
