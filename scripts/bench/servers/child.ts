/** The IPC protocol between `npm run bench:tokens` and the servers it starts: ready, cpu, stop. */
export type ChildMessage = { type: "ready"; url: string } | { type: "cpu"; userMicros: number; systemMicros: number };
export type ParentMessage = { type: "cpu" } | { type: "stop" };

export function serveBenchChild(url: string, stop: () => Promise<void>): void {
  const send = (m: ChildMessage) => process.send?.(m);
  process.on("message", (m: ParentMessage) => {
    if (m.type === "cpu") {
      const u = process.cpuUsage();
      send({ type: "cpu", userMicros: u.user, systemMicros: u.system });
    } else if (m.type === "stop") {
      // process.exit flushes --cpu-prof output.
      void stop().finally(() => process.exit(0));
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", url });
}
