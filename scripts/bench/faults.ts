/**
 * npm run bench:faults [-- --rounds N --seconds S --connections C --store sqlite|postgresql --only crash|outage]
 *
 * Fault injection against real server processes (tests/support/instance-process.ts,
 * which runs and stops like server/main.ts), reporting what each fault costs:
 *
 * (1) kill -9 under gateway load, N rounds per store: C closed loops of
 *     tools/call for S seconds, SIGKILL, restart on the same store. Per round:
 *     calls answered 200 and how many have no tool.called event (events lost
 *     per call), calls the upstream executed without an event, how long before
 *     the kill the oldest such answer was given, calls in flight at the kill,
 *     the time from the kill to the restarted process answering, and whether
 *     the audit chains verify.
 * (2) PostgreSQL outage, seen by one process through a TCP proxy
 *     (tests/support/fault-proxy.ts; the shared server is never touched):
 *     stopped (connections refused) and frozen (accepted, never answered),
 *     each for a few seconds under light load of mints and tool calls.
 *     Reports, per endpoint, the time from the fault to the first 503, the
 *     longest any request waited, whether anything but 200/503 was answered,
 *     and the time from the database's return to the first 200.
 *
 * Figures only; nothing asserts (the db suite holds the assertions:
 * tests/db/fault-injection.test.ts, tests/db/database-outage.test.ts).
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { crashUnderLoad, type CrashRound } from "@/tests/support/crash-harness";
import { freshDatabase, testPostgresUrl, type Provider } from "@/tests/support/databases";
import { startFaultProxy, type FaultMode } from "@/tests/support/fault-proxy";
import { AGENT_SECRET, mintToken, seedRevocationWorld } from "@/tests/support/revocation-fixture";
import { spawnInstance } from "@/tests/support/spawn-instance";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    store: { type: "string" },
    only: { type: "string" },
    "outage-seconds": { type: "string", default: "5" },
  },
});
const ROUNDS = Number(args.rounds);
const LOAD_MS = Number(args.seconds) * 1000;
const CONNECTIONS = Number(args.connections);
const OUTAGE_MS = Number(args["outage-seconds"]) * 1000;
const STORES: Provider[] =
  args.store === "sqlite" || args.store === "postgresql" ? [args.store] : ["sqlite", "postgresql"];
const ISSUER = "http://mandate.faults";

const ms = (v: number | null) => (v === null ? "—" : `${v.toFixed(0)} ms`);

async function crashes(store: Provider): Promise<void> {
  const fresh = await freshDatabase(store);
  const db = createDb(fresh.config);
  const world = await seedRevocationWorld(db, ISSUER);
  const env = {
    DATABASE_URL: fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url,
    MANDATE_ISSUER: ISSUER,
    MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY!,
    MANDATE_MIGRATE_ON_START: "false",
  };
  const rounds: CrashRound[] = [];
  try {
    console.log(
      `\n(1) kill -9 under gateway load — ${store}, ${CONNECTIONS} connections × ${LOAD_MS / 1000}s per round`,
    );
    console.log(
      "    round  answered 200  without event  executed upstream  executed w/o event  oldest lost answer  in flight  restart→200  chain",
    );
    for (let i = 0; i < ROUNDS; i++) {
      const { round, restarted } = await crashUnderLoad({
        db,
        world,
        env,
        issuer: ISSUER,
        connections: CONNECTIONS,
        loadMs: LOAD_MS,
      });
      await restarted.stop();
      rounds.push(round);
      console.log(
        `    ${String(i + 1).padStart(5)}  ${String(round.answered).padStart(12)}  ${String(round.answeredUnrecorded.length).padStart(13)}  ${String(round.executed).padStart(17)}` +
          `  ${String(round.executedUnrecorded.length).padStart(18)}  ${ms(round.oldestUnrecordedMs).padStart(18)}  ${String(round.inFlightAtKill).padStart(9)}` +
          `  ${ms(round.recoverMs).padStart(11)}  ${round.chainIntact ? "intact" : "BROKEN"}`,
      );
    }
    const answered = rounds.reduce((n, r) => n + r.answered, 0);
    const lost = rounds.reduce((n, r) => n + r.answeredUnrecorded.length, 0);
    const executedLost = rounds.reduce((n, r) => n + r.executedUnrecorded.length, 0);
    console.log(
      `    events lost per call answered 200: ${lost}/${answered} (${((lost / Math.max(1, answered)) * 100).toFixed(3)}%); executed upstream without an event: ${executedLost}`,
    );
  } finally {
    await world.close();
    await db.$disconnect();
    await fresh.drop();
  }
}

interface Probe {
  name: string;
  run: () => Promise<number>;
}

interface Observation {
  at: number;
  status: number;
  tookMs: number;
}

async function outage(): Promise<void> {
  const fresh = await freshDatabase("postgresql");
  if (fresh.config.provider !== "postgresql") throw new Error("PostgreSQL expected");
  const db = createDb(fresh.config);
  const world = await seedRevocationWorld(db, ISSUER);
  const target = new URL(testPostgresUrl());
  const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const instance = await spawnInstance({
    DATABASE_URL: proxy.urlThrough(fresh.config.url),
    MANDATE_ISSUER: ISSUER,
    MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY!,
    MANDATE_MIGRATE_ON_START: "false",
  });
  try {
    const token = (await mintToken(instance.url, "agent-one", undefined, ISSUER)).token;
    const probes: Probe[] = [
      {
        name: "token endpoint",
        run: async () =>
          (
            await fetch(`${instance.url}/oauth/token`, {
              method: "POST",
              headers: {
                authorization: `Basic ${Buffer.from(`agent-two:${AGENT_SECRET}`).toString("base64")}`,
                "content-type": "application/x-www-form-urlencoded",
              },
              body: new URLSearchParams({
                grant_type: "client_credentials",
                resource: `${ISSUER}/mcp/docs`,
                scope: "docs.read",
              }),
            })
          ).status,
      },
      {
        name: "gateway tools/call",
        run: async () =>
          (
            await fetch(`${instance.url}/mcp/docs`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                accept: "application/json, text/event-stream",
                "mcp-protocol-version": "2025-06-18",
                authorization: `Bearer ${token}`,
              },
              body: JSON.stringify({
                jsonrpc: "2.0",
                id: 1,
                method: "tools/call",
                params: { name: "read_doc", arguments: {} },
              }),
            })
          ).status,
      },
      { name: "/readyz", run: async () => (await fetch(`${instance.url}/readyz`)).status },
    ];

    console.log(`\n(2) PostgreSQL outage through a proxy, ${OUTAGE_MS / 1000}s each, 2 loops per endpoint`);
    console.log(
      "    fault      endpoint              fault→first 503  longest wait  other answers        back→first 200",
    );
    for (const mode of ["refuse", "blackhole"] as FaultMode[]) {
      const seen = new Map<string, Observation[]>(probes.map((p) => [p.name, []]));
      let running = true;
      const t0 = performance.now();
      const loops = probes.flatMap((p) =>
        [0, 1].map(async () => {
          while (running) {
            const start = performance.now();
            const status = await p.run().catch(() => 0);
            seen.get(p.name)!.push({ at: start - t0, status, tookMs: performance.now() - start });
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 1000));
      const faultAt = performance.now() - t0;
      await proxy.set(mode);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const backAt = performance.now() - t0;
      await proxy.set("pass");
      // Until every endpoint answered 200 again (or 30 s).
      const recovered = () => probes.every((p) => seen.get(p.name)!.some((o) => o.at >= backAt && o.status === 200));
      while (!recovered() && performance.now() - t0 - backAt < 30_000) await new Promise((r) => setTimeout(r, 20));
      running = false;
      await Promise.all(loops);
      for (const p of probes) {
        const obs = seen.get(p.name)!;
        const during = obs.filter((o) => o.at >= faultAt || o.at + o.tookMs >= faultAt);
        const first503 = during.find((o) => o.status === 503);
        const other = [
          ...new Set(
            during
              .filter((o) => o.status !== 200 && o.status !== 503)
              .map((o) => (o.status === 0 ? "no answer" : String(o.status))),
          ),
        ];
        const firstBack = obs.find((o) => o.at >= backAt && o.status === 200);
        const longest = Math.max(0, ...during.map((o) => o.tookMs));
        console.log(
          `    ${(mode === "refuse" ? "stopped" : "frozen").padEnd(9)}  ${p.name.padEnd(20)}  ${ms(first503 ? first503.at + first503.tookMs - faultAt : null).padStart(15)}` +
            `  ${ms(longest).padStart(12)}  ${(other.join(", ") || "none").padEnd(19)}  ${ms(firstBack ? firstBack.at + firstBack.tookMs - backAt : null).padStart(14)}`,
        );
      }
    }
    console.log(
      `    the process ${instance.process.exitCode === null ? "kept running throughout" : `EXITED (${instance.process.exitCode})`}`,
    );
  } finally {
    await proxy.set("pass");
    await instance.stop();
    await proxy.close();
    await world.close();
    await db.$disconnect();
    await fresh.drop();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:faults — ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (shared machine: figures under load)`,
  );
  if (!args.only || args.only === "crash") for (const store of STORES) await crashes(store);
  if (!args.only || args.only === "outage") await outage();
  console.log(`
How to read this:
- "without event" counts calls a client was told succeeded whose tool.called event is not in the store after the
  crash; "executed w/o event" counts calls the upstream carried out without one. Both are 0 by design: the gateway
  commits a call's event before it forwards the call (README, "Durability of the audit trail").
- "in flight" calls were sent and never answered 200: the process died under them; the client saw the connection
  fail, and their events exist only if they had been forwarded.
- During an outage nothing can be recorded: refusals then are not in the audit trail.`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
