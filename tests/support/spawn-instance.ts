import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Instance {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts tests/support/instance-process.ts in its own process (its own pool, listener and revocation state): node
 * itself with tsx's loader, not tsx's CLI, so a signal sent to `process` reaches the server as a process manager's would.
 */
export function spawnInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve("tests/support/instance-process.ts")], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return new Promise((ok, fail) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`instance did not start: ${out}${err}`)), 60_000);
    // MANDATE_TEST_INSTANCE_LOG=<file>: keep what the instance prints (its errors) for a failing test's diagnosis.
    const log = process.env.MANDATE_TEST_INSTANCE_LOG;
    if (log) for (const s of [child.stdout!, child.stderr!]) s.on("data", (c: Buffer) => appendFileSync(log, c));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      ok({
        url: `http://127.0.0.1:${m[1]}`,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            try {
              process.kill(-child.pid!, "SIGTERM");
            } catch {
              done();
            }
          }),
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`instance exited (${code}): ${err}`));
    });
  });
}
