/** Parent side of the load generator: one forked process, one autocannon segment at a time. */
import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { SegmentRequest, SegmentResult } from "./types";

type Reply = { ok: true; result: SegmentResult } | { ok: false; error: string };

export class LoadGenerator {
  private child: ChildProcess;
  private exited: Promise<void>;

  constructor(root: string) {
    this.child = fork(path.join(root, "scripts", "bench", "load-worker.ts"), [], {
      cwd: root,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  run(request: SegmentRequest): Promise<SegmentResult> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error("the load generator exited"));
      this.child.once("exit", onExit);
      this.child.once("message", (reply: Reply) => {
        this.child.off("exit", onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`load generator: ${reply.error}`));
      });
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.disconnect();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), for "how loaded was the box". */
export function machineTimes(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** CPU seconds used so far by each running `postgres` process (the server's backends among them), by pid. */
export function postgresCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      if (stat.slice(open + 1, close) !== "postgres") continue;
      const fields = stat.slice(close + 2).split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds postgres processes used between two snapshots (processes that ended in between are not counted). */
export function postgresCpuDelta(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, t] of after) total += t - (before.get(pid) ?? 0);
  return total;
}
