import { performance } from "node:perf_hooks";

/** The IPC protocol between `npm run bench:tokens` and the servers it starts: ready, cpu, stop. */
export type ChildMessage =
  /** `url`: the issuer it answers as; `address`: where it listens, when that differs. */
  | { type: "ready"; url: string; address?: string }
  /** CPU time of the whole process (every thread), and the main thread's event loop: time busy and time idle, in ms. */
  | { type: "cpu"; userMicros: number; systemMicros: number; loopActiveMs: number; loopIdleMs: number };
export type ParentMessage = { type: "cpu" } | { type: "stop" };

export function serveBenchChild(url: string, stop: () => Promise<void>, address?: string): void {
  const send = (m: ChildMessage) => process.send?.(m);
  process.on("message", (m: ParentMessage) => {
    if (m.type === "cpu") {
      const u = process.cpuUsage();
      const loop = performance.eventLoopUtilization();
      send({
        type: "cpu",
        userMicros: u.user,
        systemMicros: u.system,
        loopActiveMs: loop.active,
        loopIdleMs: loop.idle,
      });
    } else if (m.type === "stop") {
      // process.exit flushes --cpu-prof output.
      void stop().finally(() => process.exit(0));
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", url, ...(address ? { address } : {}) });
}
