/** Unauthenticated liveness probe; also the benchmark's baseline route. */
export const health = {
  GET: async () => Response.json({ status: "ok", time: new Date().toISOString() }, { headers: { "cache-control": "no-store" } }),
};
