import type { PrismaClient } from "@/lib/generated/prisma/client";

/** The app's client, counting the token lookups verification makes through it (`token.findFirst`). */
export function countingLookups(prisma: PrismaClient) {
  let lookups = 0;
  const token = new Proxy(prisma.token, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "findFirst") return value;
      return (...args: unknown[]) => {
        lookups++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const db = new Proxy(prisma, { get: (target, property, receiver) => (property === "token" ? token : Reflect.get(target, property, receiver)) });
  return { db, lookups: () => lookups };
}
