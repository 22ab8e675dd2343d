import { json } from "@/lib/api/responses";

/** Unauthenticated liveness probe; also the benchmark's baseline route. */
export const health = {
  GET: async () => json({ status: "ok", time: new Date().toISOString() }),
};
