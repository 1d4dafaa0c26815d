import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { DRILL_CLIENT_ID } from "@/lib/drills/drill-agent";
import type { DrillSettings } from "@/lib/drills/drill-settings";
import { runDrill } from "@/lib/drills/run-drill";
import { coverageCsv } from "@/lib/coverage/coverage-csv";
import { coverageMap } from "@/lib/coverage/coverage-map";
import { getOverviewSummary } from "@/lib/overview/summary";
import { scopeUsageByAgent } from "@/lib/reviews/scope-usage";
import { drillCommand } from "@/scripts/cli/commands/drill";
import { Gateway } from "@/lib/gateway/gateway";
import { startInstanceHeartbeat } from "@/lib/gateway/instances";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { callTool, mintToken, seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";
import { spawnInstance, type Instance } from "../support/spawn-instance";

const SETTINGS: DrillSettings = { targetMs: 1000, timeoutMs: 3000, probeEveryMs: 20 };
const read = (req: IncomingMessage) =>
  new Promise<string>((ok) => {
    let b = "";
    req.on("data", (c: Buffer) => (b += c));
    req.on("end", () => ok(b));
  });
const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};
const close = (s: Server | undefined) =>
  new Promise<void>((r) => (s ? (s.closeAllConnections(), s.close(() => r())) : r()));

/**
 * A natively enforcing MCP server: it checks nothing but a bearer's presence (as a server trusting Mandate's JWTs
 * on signature alone would, for a well-signed canary), plus a CAEP receiver that acknowledges every SET. When
 * `honoursCaep`, a session named in a received session-revoked event is refused from then on; otherwise the event
 * is acknowledged and ignored.
 */
async function startNativeServer(honoursCaep: boolean) {
  const revoked = new Set<string>();
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      if (req.url === "/ssf/push") {
        const sid = (decodeJwt(body) as { sub_id?: { session?: { id?: string } } }).sub_id?.session?.id;
        if (honoursCaep && sid) revoked.add(sid);
        res.writeHead(202).end();
        return;
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const sid = token ? (decodeJwt(token) as { sid?: string }).sid : undefined;
      if (!token || !sid || revoked.has(sid)) {
        res
          .writeHead(401, {
            "www-authenticate": 'Bearer error="invalid_token", error_description="session revoked by CAEP"',
          })
          .end();
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [] } }));
    });
  });
  const url = await listen(server);
  return { url, server };
}

describe.each(PROVIDERS)("revocation drills on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let server: Server;
  let issuer: string;
  let world: RevocationWorld;
  let gateway: Gateway;
  let stopHeartbeat: () => Promise<void>;
  const natives: Server[] = [];
  let oncall: Principal;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx);
    server = createProtocolServer(ctx, { gateway });
    issuer = await listen(server);
    Object.assign(ctx, { issuer });
    world = await seedRevocationWorld(db, issuer);
    oncall = world.oncall;
    await gateway.start();
  });

  afterAll(async () => {
    await stopHeartbeat?.();
    gateway?.revocations.stop();
    await close(server);
    for (const n of natives) await close(n);
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  async function nativeServer(name: string, opts: { caep?: "honours" | "ignores"; introspects?: boolean }) {
    const native = await startNativeServer(opts.caep === "honours");
    natives.push(native.server);
    const s = await db.mcpServer.create({
      data: {
        name,
        slug: name.toLowerCase(),
        resourceUri: `${native.url}/mcp`,
        enforcementMode: "native",
        introspects: opts.introspects ?? false,
        authorizationServerIssuer: issuer,
      },
    });
    if (opts.caep)
      await db.eventReceiver.create({
        data: { id: `r-${name}`, name: `${name} receiver`, url: `${native.url}/ssf/push`, serverId: s.id },
      });
    return s.id;
  }

  it("fails a gateway drill when no instance has reported, and says so", async () => {
    const report = await runDrill(ctx, oncall, world.ids.server, "cli", SETTINGS);
    expect(report.outcome).toBe("failed");
    expect(report.reason).toMatch(/No gateway instance has reported/);
    // The canary was revoked all the same.
    const canary = await db.agentSession.findMany({ where: { agent: { clientId: DRILL_CLIENT_ID } } });
    expect(canary.length).toBeGreaterThan(0);
    expect(canary.every((s) => s.status === "revoked")).toBe(true);
    const alert = await db.auditEvent.findFirst({ where: { action: "drill.failed", targetId: world.ids.server } });
    expect(alert?.decision).toBe("deny");
  });

  it("mints a tool-less canary, proves it, revokes it and times the gateway's refusal; real sessions are untouched", async () => {
    stopHeartbeat = startInstanceHeartbeat(db, { id: gateway.instanceId, url: issuer });
    await expect.poll(() => db.gatewayInstance.count(), { timeout: 5000 }).toBe(1);
    const real = await mintToken(issuer, "agent-one");
    expect(real.status).toBe(200);

    const report = await runDrill(ctx, oncall, world.ids.server, "console", SETTINGS);
    expect(report.reason).toMatch(/Refused at every enforcement point/);
    expect(report.outcome).toBe("passed");
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ kind: "gateway_instance", instanceId: gateway.instanceId, ok: true });
    expect(report.results[0]!.ms).toBeLessThanOrEqual(SETTINGS.targetMs);

    // Stored, audited, labelled.
    const stored = await db.revocationDrill.findUniqueOrThrow({ where: { id: report.id } });
    expect(stored).toMatchObject({
      outcome: "passed",
      enforcementPath: "gateway",
      trigger: "console",
      serverId: world.ids.server,
    });
    expect(await db.auditEvent.count({ where: { action: "drill.passed", targetId: world.ids.server } })).toBe(1);
    const minted = await db.auditEvent.findFirst({
      where: { action: "token.minted", actorLabel: "Mandate revocation drill (canary)" },
      orderBy: { id: "desc" },
    });
    expect((minted?.detail as { tools: string[]; scope: string }).tools).toEqual([]);
    expect((minted?.detail as { tools: string[]; scope: string }).scope).toBe("");
    const revoked = await db.auditEvent.findFirst({
      where: { action: "session.revoked", targetLabel: { startsWith: "Mandate revocation drill" } },
      orderBy: { id: "desc" },
    });
    expect((revoked?.detail as { operation: unknown }).operation).toEqual({ kind: "drill", drillId: report.id });

    // The real agent's session and token go on working.
    expect((await db.agentSession.findUniqueOrThrow({ where: { id: real.sid } })).status).toBe("active");
    expect(await callTool(issuer, real.token)).toBe(200);
  });

  it("fails a native server that acknowledges CAEP but keeps accepting the revoked token, and says why", async () => {
    const id = await nativeServer("Ignorant", { caep: "ignores" });
    const report = await runDrill(ctx, oncall, id, "cli", SETTINGS);
    expect(report.enforcementPath).toBe("native_caep");
    expect(report.outcome).toBe("failed");
    const byKind = Object.fromEntries(report.results.map((r) => [r.kind, r]));
    expect(byKind.caep_receiver).toMatchObject({ ok: true });
    expect(byKind.introspection).toMatchObject({ ok: true });
    expect(byKind.native_probe).toMatchObject({ ok: false, ms: null });
    expect(report.reason).toMatch(
      /still accepted the revoked canary after its CAEP receiver acknowledged.*does not honour CAEP/,
    );
  });

  it("passes a native server that honours CAEP: receiver acknowledgement and the server's own refusal, both timed", async () => {
    const id = await nativeServer("Honest", { caep: "honours" });
    const report = await runDrill(ctx, oncall, id, "cli", SETTINGS);
    expect(report.reason).toMatch(/Refused at every enforcement point/);
    expect(report.outcome).toBe("passed");
    expect(report.results.map((r) => r.kind).sort()).toEqual(["caep_receiver", "introspection", "native_probe"]);
  });

  it("fails a native server that trusts JWTs only: revocation waits for expiry", async () => {
    const id = await nativeServer("Trusting", {});
    const report = await runDrill(ctx, oncall, id, "schedule", SETTINGS);
    expect(report.enforcementPath).toBe("native_jwt_only");
    expect(report.outcome).toBe("failed");
    expect(report.reason).toMatch(
      /trusts Mandate's JWTs only: a revoked token keeps working until it expires, up to \d+ s/,
    );
  });

  it("maps every server's enforcement path, latest drill, reach and what is missing, with unmanaged resources agents asked for", async () => {
    // An agent asks for a token for a server nobody registered: refused, and seen.
    expect((await mintToken(issuer, "agent-one", undefined, "https://shadow.example")).status).toBe(400);
    const map = await coverageMap(db);
    const row = (name: string) => map.rows.find((r) => r.name === name)!;
    expect(row("Docs")).toMatchObject({ path: "gateway", proven: true, trafficBasis: "tool_calls", missing: [] });
    expect(row("Docs").traffic).toBeGreaterThanOrEqual(1);
    expect(row("Docs").agents.map((a) => a.name)).toEqual(["agent-one", "agent-two"]);
    expect(row("Docs").revocationTime).toMatch(/^\d+ ms \(last drill\)$/);
    expect(row("Honest")).toMatchObject({ path: "native_caep", proven: true });
    expect(row("Honest").receivers[0]).toMatchObject({ name: "Honest receiver", lastStatus: "delivered" });
    expect(row("Ignorant")).toMatchObject({ path: "native_caep", proven: false });
    expect(row("Ignorant").missing).toContain("A passing revocation drill: the last one failed");
    expect(row("Trusting")).toMatchObject({
      path: "native_jwt_only",
      proven: false,
      revocationTime: "Waits for the token to expire (up to its lifetime)",
    });
    expect(row("Trusting").missing[0]).toMatch(/^A revocation signal/);
    const unmanaged = map.rows.find((r) => r.path === "unmanaged");
    expect(unmanaged).toMatchObject({
      serverId: null,
      resourceUri: "https://shadow.example/mcp/docs",
      traffic: 1,
      trafficBasis: "token_requests",
    });
    // The canary's own mints are not traffic.
    expect(row("Honest").traffic).toBe(0);
    const proven = map.rows.filter((r) => r.proven).reduce((n, r) => n + r.traffic, 0);
    expect(map.provenTrafficPercent).toBe(Math.round((proven / map.totalTraffic) * 1000) / 10);
    expect(map.provenTrafficPercent).toBeGreaterThan(0);
    expect(map.provenTrafficPercent).toBeLessThan(100);
    expect(map.failingDrills.map((f) => f.name).sort()).toEqual(["Ignorant", "Trusting"]);

    const csv = coverageCsv(map).trim().split("\r\n");
    expect(csv[0]).toMatch(/^server,resource_uri,enforcement_path,/);
    expect(csv).toHaveLength(map.rows.length + 1);
    expect(csv.some((l) => l.startsWith("Trusting,") && l.includes("native_jwt_only"))).toBe(true);
  });

  it("keeps the drill agent out of scope review and the organisation's agent count", async () => {
    expect(await db.agent.count({ where: { clientId: DRILL_CLIENT_ID } })).toBe(1);
    expect((await scopeUsageByAgent(db)).map((a) => a.name).sort()).toEqual(["agent-one", "agent-two"]);
    expect((await getOverviewSummary(db)).agents.total).toBe(2);
    // It holds no grant, so no campaign or certification can include it.
    expect(await db.assignment.count({ where: { agent: { clientId: DRILL_CLIENT_ID } } })).toBe(0);
  });

  it("runs from the CLI with a non-zero exit when a drill fails", async () => {
    const url = fresh.config.provider === "postgresql" ? fresh.config.url : `file:${fresh.config.file}`;
    const lines: string[] = [];
    // A target with room to spare: this is about the exit code and the report, and a loaded machine
    // (files run two at a time) can take longer than the default second to see the refusal.
    const env = { DATABASE_URL: url, MANDATE_DRILL_TARGET_MS: "3000", MANDATE_DRILL_TIMEOUT_MS: "3000" };
    const io = { env, log: (l: string) => lines.push(l) };
    const before = process.env.MANDATE_ISSUER;
    process.env.MANDATE_ISSUER = issuer;
    try {
      expect(await drillCommand.run(["--server", "docs"], io)).toBe(0);
      expect(lines.join("\n")).toMatch(/PASS {2}Docs \(gateway\)/);
      lines.length = 0;
      expect(await drillCommand.run(["--server", "docs", "--server", "trusting"], io)).toBe(1);
      expect(lines.join("\n")).toMatch(/FAIL {2}Trusting \(native_jwt_only\)/);
      expect(lines.at(-1)).toBe("1 of 2 passed (target 3000 ms)");
    } finally {
      if (before === undefined) delete process.env.MANDATE_ISSUER;
      else process.env.MANDATE_ISSUER = before;
    }
    expect(await db.revocationDrill.count({ where: { trigger: "cli" } })).toBeGreaterThanOrEqual(3);
  });
});

/** Two app processes on one PostgreSQL: a drill started elsewhere sees, and times, each of them. */
describe("revocation drills across two instances on postgresql", () => {
  const ISSUER = "http://mandate.test";
  let fresh: FreshDatabase;
  let db: Db;
  let world: RevocationWorld;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    fresh = await freshDatabase("postgresql");
    db = createDb(fresh.config);
    world = await seedRevocationWorld(db, ISSUER);
    if (fresh.config.provider !== "postgresql") throw new Error("expected PostgreSQL");
    const env = {
      DATABASE_URL: fresh.config.url,
      MANDATE_ISSUER: ISSUER,
      MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY ?? randomBytes(32).toString("base64url"),
      MANDATE_MIGRATE_ON_START: "false",
    };
    [a, b] = await Promise.all([spawnInstance(env), spawnInstance(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("probes every live instance at its own address; each reports its own time", async () => {
    await expect.poll(() => db.gatewayInstance.count(), { timeout: 10_000 }).toBe(2);
    // The drill runs in a third process (as the CLI does), with the instances' issuer and keys in the shared store.
    const ctx = createOAuthContext(db, { issuer: ISSUER });
    const report = await runDrill(ctx, world.oncall, world.ids.server, "cli", SETTINGS);
    expect(report.reason).toMatch(/Refused at every enforcement point/);
    expect(report.outcome).toBe("passed");
    const instances = report.results.filter((r) => r.kind === "gateway_instance");
    expect(instances).toHaveLength(2);
    const ids = (await db.gatewayInstance.findMany()).map((i) => i.id).sort();
    expect(instances.map((r) => r.instanceId).sort()).toEqual(ids);
    expect(instances.map((r) => r.label).join(" ")).toContain(a.url);
    expect(instances.map((r) => r.label).join(" ")).toContain(b.url);
    for (const r of instances) expect(r.ms).toBeLessThanOrEqual(SETTINGS.targetMs);
  });

  it("a stopped instance leaves the registry, and the drill no longer waits for it", async () => {
    await b.stop();
    await expect.poll(() => db.gatewayInstance.count(), { timeout: 10_000 }).toBe(1);
    const ctx = createOAuthContext(db, { issuer: ISSUER });
    const report = await runDrill(ctx, world.oncall, world.ids.server, "cli", SETTINGS);
    expect(
      report.results
        .filter((r) => r.kind === "gateway_instance")
        .map((r) => r.label)
        .join(" "),
    ).toContain(a.url);
    expect(report.outcome).toBe("passed");
  });
});
