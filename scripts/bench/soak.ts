/**
 * npm run bench:soak [-- --minutes 30 --store sqlite|postgresql --connections 8]
 *
 * A long mixed load against one real server process (tests/support/instance-process.ts):
 * tools/call through the gateway (half the loops), client_credentials mints,
 * introspection, and a revocation every two seconds (mint, call, revoke on the
 * console's path, call again: refused). Every minute it prints the minute's
 * requests, failures by kind, p50/p99, and the server process's RSS and CPU
 * (from /proc), then the RSS trend over the second half of the run.
 *
 * Nothing asserts: a leak shows as RSS that keeps climbing after warm-up, a
 * stall as p99 drift, a defect as failures.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { freshDatabase, type Provider } from "@/tests/support/databases";
import { AGENT_SECRET, callTool, introspect, mintToken, seedRevocationWorld } from "@/tests/support/revocation-fixture";
import { spawnInstance } from "@/tests/support/spawn-instance";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    store: { type: "string", default: "sqlite" },
    connections: { type: "string", default: "8" },
  },
});
const MINUTES = Number(args.minutes);
const STORE: Provider = args.store === "postgresql" ? "postgresql" : "sqlite";
const CONNECTIONS = Math.max(4, Number(args.connections));
const ISSUER = "http://mandate.soak";

/** The process's resident set (MB) and CPU time (s), from /proc. */
function processStats(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  // Fields 14 and 15 of /proc/<pid>/stat (after the command in parentheses): utime, stime in clock ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: rssKb / 1024, cpuS: ticks / 100 };
}

interface Minute {
  latencies: number[];
  ok: number;
  failed: Map<string, number>;
}
const minute = (): Minute => ({ latencies: [], ok: 0, failed: new Map() });

async function main(): Promise<void> {
  console.log(
    `bench:soak — ${MINUTES} min, ${STORE}, ${CONNECTIONS} loops; ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const fresh = await freshDatabase(STORE);
  const db = createDb(fresh.config);
  const world = await seedRevocationWorld(db, ISSUER);
  const instance = await spawnInstance({
    DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url,
    MANDATE_ISSUER: ISSUER,
    MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY!,
    MANDATE_MIGRATE_ON_START: "false",
  });
  const pid = instance.process.pid!;
  let current = minute();
  const record = async (kind: string, f: () => Promise<boolean>) => {
    const t0 = performance.now();
    let ok = false;
    let why = kind;
    try {
      ok = await f();
    } catch (e) {
      why = `${kind}: ${e instanceof Error ? e.message : "error"}`;
    }
    if (ok) {
      current.ok++;
      current.latencies.push(performance.now() - t0);
    } else current.failed.set(why, (current.failed.get(why) ?? 0) + 1);
  };

  const end = Date.now() + MINUTES * 60_000;
  let token = { value: "", renewAt: 0 };
  const freshToken = async () => {
    if (Date.now() > token.renewAt) {
      const t = await mintToken(instance.url, "agent-one", undefined, ISSUER);
      token = { value: t.token, renewAt: Date.now() + 240_000 };
    }
    return token.value;
  };
  const loops: Promise<void>[] = [];
  for (let c = 0; c < CONNECTIONS; c++) {
    loops.push(
      (async () => {
        for (let n = 0; Date.now() < end; n++) {
          if (c % 2 === 0)
            await record("tools/call", async () => (await callTool(instance.url, await freshToken())) === 200);
          else if (n % 4 === 3)
            await record("introspect", async () => introspect(instance.url, "agent-one", await freshToken()));
          else
            await record(
              "mint",
              async () =>
                (await mintToken(instance.url, c % 4 === 1 ? "agent-one" : "agent-two", AGENT_SECRET, ISSUER))
                  .status === 200,
            );
        }
      })(),
    );
  }
  // Revocations: each refused on the very next call (the instance's own bus), exercising the state's maps.
  loops.push(
    (async () => {
      while (Date.now() < end) {
        await record("revoke", async () => {
          const t = await mintToken(instance.url, "agent-two", AGENT_SECRET, ISSUER);
          if ((await callTool(instance.url, t.token)) !== 200) return false;
          await fetch(`${instance.url}/test/revoke`, {
            method: "POST",
            body: JSON.stringify({ sessionId: t.sid }),
          }).then((r) => r.arrayBuffer());
          return (await callTool(instance.url, t.token)) === 401;
        });
        await new Promise((r) => setTimeout(r, 2000));
      }
    })(),
  );

  const samples: { minute: number; rssMb: number }[] = [];
  const started = processStats(pid);
  samples.push({ minute: 0, rssMb: started.rssMb });
  console.log(
    `  min   requests  failed  p50 ms  p99 ms  RSS MB  CPU s/min   (RSS at start ${started.rssMb.toFixed(0)} MB)`,
  );
  let lastCpu = started.cpuS;
  const t0 = Date.now();
  for (let m = 1; m <= Math.ceil(MINUTES); m++) {
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(t0 + m * 60_000, end) - Date.now())));
    const done = current;
    current = minute();
    const stats = processStats(pid);
    samples.push({ minute: m, rssMb: stats.rssMb });
    const sorted = done.latencies.sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    const failed = [...done.failed.values()].reduce((a, b) => a + b, 0);
    console.log(
      `  ${String(m).padStart(3)}  ${String(done.ok + failed).padStart(9)}  ${String(failed).padStart(6)}  ${q(0.5).toFixed(1).padStart(6)}  ${q(0.99).toFixed(1).padStart(6)}` +
        `  ${stats.rssMb.toFixed(0).padStart(6)}  ${(stats.cpuS - lastCpu).toFixed(1).padStart(9)}` +
        (failed ? `   ${[...done.failed].map(([k, v]) => `${v}× ${k}`).join("; ")}` : ""),
    );
    lastCpu = stats.cpuS;
  }
  await Promise.all(loops);

  const second = samples.slice(Math.floor(samples.length / 2));
  const span = second.at(-1)!.minute - second[0]!.minute;
  const trend = span > 0 ? (second.at(-1)!.rssMb - second[0]!.rssMb) / span : NaN;
  console.log(
    `  RSS: start ${samples[0]!.rssMb.toFixed(0)} MB, end ${samples.at(-1)!.rssMb.toFixed(0)} MB, max ${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MB; trend over the second half ${Number.isFinite(trend) ? `${trend >= 0 ? "+" : ""}${trend.toFixed(2)} MB/min` : "— (run longer)"}`,
  );
  await instance.stop();
  await world.close();
  await db.$disconnect();
  await fresh.drop();
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
