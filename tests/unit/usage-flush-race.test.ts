import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { countCall, flushUsage } from "@/lib/tokens/usage";

/**
 * A stand-in database whose writes take a while: records which token ids each
 * finished write carried, so a test can see what was persisted when.
 */
function slowDb(writeMs: number) {
  const persisted: string[] = [];
  const fake = {
    $executeRaw: (_strings: TemplateStringsArray, ...values: unknown[]) => values,
    $transaction: async (ops: unknown[][]) => {
      await delay(writeMs);
      // The first statement's first parameter is the JSON of the tokens it counts.
      const rows = JSON.parse(ops[0][0] as string) as Array<{ id: string }>;
      for (const { id } of rows) if (id.startsWith("tok-")) persisted.push(id);
    },
  } as unknown as PrismaClient;
  return { getDb: async () => fake, persisted };
}

describe("flushUsage", () => {
  // The tally keeps the first database getter it is given for the life of the process: share one.
  const db = slowDb(100);

  it("resolves only after everything recorded before the call is written (single caller)", async () => {
    countCall(db.getDb, "tok-a", 200, "127.0.0.1");
    await flushUsage();
    expect(db.persisted).toContain("tok-a");
  });

  // Regression: two callers waiting on the same in-flight flush both woke up; the second
  // found the tally taken by the first and returned before that write had finished.
  it("resolves only after everything recorded before the call is written (concurrent callers)", async () => {
    countCall(db.getDb, "tok-b", 200, "127.0.0.1");
    const inFlight = flushUsage(); // writing tok-b, slowly
    await delay(10);
    countCall(db.getDb, "tok-c", 200, "127.0.0.1");
    const first = flushUsage(); // e.g. the interval tick
    const second = flushUsage(); // e.g. the shutdown hook
    await second;
    expect(db.persisted).toContain("tok-c");
    await Promise.all([inFlight, first]);
  });
});
