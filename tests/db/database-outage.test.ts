import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { GET as getMe } from "@/app/api/v1/me/route";
import { freshDatabase, testPostgresUrl, type FreshDatabase } from "../support/databases";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { AGENT_SECRET, seedRevocationWorld, type RevocationWorld } from "../support/revocation-fixture";
import { spawnInstance, type Instance } from "../support/spawn-instance";

// The JSON API authenticates bearer keys against getDb(); the console-session path is not used here.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

const ISSUER = "http://mandate.outage";
/** The bounds this suite runs with (lib/db/store-timeouts.ts), shorter than the defaults to keep it quick. */
const CONNECT_MS = 1000;
const STATEMENT_MS = 2000;
/** Generous: an answer within this is "bounded"; no answer at all (the defect) never comes. */
const ANSWER_WITHIN_MS = CONNECT_MS + STATEMENT_MS + 4000;
const RECOVER_WITHIN_MS = 15_000;

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/**
 * PostgreSQL stopped, frozen and restarted — as one Mandate process sees it,
 * through a TCP proxy the test controls (tests/support/fault-proxy.ts), never
 * by touching the shared server. The process under test is a real one
 * (tests/support/instance-process.ts) with the server's pools and timeouts.
 */
describe("a database outage on postgresql", () => {
  let fresh: FreshDatabase;
  let db: Db;
  let proxy: FaultProxy;
  let world: RevocationWorld;
  let instance: Instance;

  beforeAll(async () => {
    fresh = await freshDatabase("postgresql");
    if (fresh.config.provider !== "postgresql") throw new Error("expected PostgreSQL");
    db = createDb(fresh.config);
    world = await seedRevocationWorld(db, ISSUER);
    const target = new URL(testPostgresUrl());
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    instance = await spawnInstance({
      DATABASE_URL: proxy.urlThrough(fresh.config.url),
      MANDATE_ISSUER: ISSUER,
      MANDATE_MASTER_KEY: process.env.MANDATE_MASTER_KEY ?? randomBytes(32).toString("base64url"),
      MANDATE_MIGRATE_ON_START: "false",
      MANDATE_DB_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
      MANDATE_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS),
    });
  }, 120_000);

  afterAll(async () => {
    await proxy?.set("pass");
    await instance?.stop();
    await proxy?.close();
    await world?.close();
    await db?.$disconnect();
    await fresh?.drop();
  });

  const mint = async () => {
    const r = await fetch(`${instance.url}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`agent-one:${AGENT_SECRET}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource: `${ISSUER}/mcp/docs`,
        scope: "docs.read",
      }),
    });
    return {
      status: r.status,
      retryAfter: r.headers.get("retry-after"),
      body: (await r.json()) as { access_token?: string; error?: string },
    };
  };
  const call = async (token: string) => {
    const r = await fetch(`${instance.url}/mcp/docs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "read_doc", arguments: {} },
      }),
    });
    return {
      status: r.status,
      retryAfter: r.headers.get("retry-after"),
      body: (await r.json()) as { id?: unknown; error?: { code: number } },
    };
  };
  const ready = async () => (await fetch(`${instance.url}/readyz`)).status;

  /** Token endpoint, gateway and readiness while the database is out: each 503 with Retry-After, in bounded time. */
  async function expectRefusedInTime(token: string) {
    const minted = await timed(mint);
    expect(minted.value).toMatchObject({ status: 503, retryAfter: "1", body: { error: "temporarily_unavailable" } });
    expect(minted.ms).toBeLessThan(ANSWER_WITHIN_MS);
    const called = await timed(() => call(token));
    expect(called.value.status).toBe(503);
    expect(called.value.retryAfter).toBe("1");
    expect(called.value.body.error?.code).toBe(-32004);
    expect(called.ms).toBeLessThan(ANSWER_WITHIN_MS);
    const readiness = await timed(ready);
    expect(readiness.value).toBe(503);
    expect(readiness.ms).toBeLessThan(ANSWER_WITHIN_MS);
  }

  async function expectRecovered(token: string) {
    const t0 = performance.now();
    let minted = await mint();
    while (minted.status !== 200 && performance.now() - t0 < RECOVER_WITHIN_MS) {
      expect(minted.status).toBe(503);
      await new Promise((r) => setTimeout(r, 50));
      minted = await mint();
    }
    expect(minted.status).toBe(200);
    let called = await call(token);
    while (called.status !== 200 && performance.now() - t0 < RECOVER_WITHIN_MS) {
      expect(called.status).toBe(503);
      await new Promise((r) => setTimeout(r, 50));
      called = await call(token);
    }
    expect(called.status).toBe(200);
    expect(await ready()).toBe(200);
    expect(instance.process.exitCode).toBeNull();
  }

  it("answers 503 with Retry-After while the database refuses connections, and recovers without a restart", async () => {
    const t = await mint();
    expect(t.status).toBe(200);
    const token = t.body.access_token!;
    expect((await call(token)).status).toBe(200);
    await proxy.set("refuse");
    await expectRefusedInTime(token);
    await proxy.set("pass");
    await expectRecovered(token);
  });

  it("answers 503 with Retry-After in bounded time while the database is frozen (accepts, never answers), and recovers when it thaws", async () => {
    const token = (await mint()).body.access_token!;
    expect((await call(token)).status).toBe(200);
    await proxy.set("blackhole");
    await expectRefusedInTime(token);
    // A second round: connections opened during the freeze are now waiting too.
    await expectRefusedInTime(token);
    await proxy.set("pass");
    await expectRecovered(token);
  });

  it("survives the database ending every connection under load (a restart, an admin shutdown), answering nothing worse than 503", async () => {
    const token = (await mint()).body.access_token!;
    const statuses = new Set<number>();
    let cutting = true;
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, k) => {
        while (cutting) statuses.add(k % 2 ? (await mint()).status : (await call(token)).status);
      }),
    );
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 300));
      proxy.dropAll(); // connections reset
      await new Promise((r) => setTimeout(r, 300));
      // The server ends them itself (57P01 admin_shutdown, as a fast stop does), idle and busy ones alike.
      await db.$queryRawUnsafe(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
    }
    cutting = false;
    await load;
    expect([...statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    await expectRecovered(token);
  });

  describe("the console JSON API", () => {
    const holder = globalThis as unknown as { __mandateDb?: Db };
    let previous: Db | undefined;
    let throughProxy: Db;
    let key: string;
    const env = {
      connect: process.env.MANDATE_DB_CONNECT_TIMEOUT_MS,
      statement: process.env.MANDATE_DB_STATEMENT_TIMEOUT_MS,
    };

    beforeAll(async () => {
      const admin = await db.user.create({
        data: { email: "admin@outage.test", displayName: "Admin", roles: { create: [{ role: "admin" }] } },
      });
      const actor: Principal = {
        kind: "user",
        userId: admin.id,
        email: admin.email,
        displayName: "Admin",
        roles: ["admin"],
        consoleSessionId: "cs",
      };
      ({ key } = await createApiKey(db, actor, { name: "Outage probe", role: "auditor", expiresInDays: 1 }));
      process.env.MANDATE_DB_CONNECT_TIMEOUT_MS = String(CONNECT_MS);
      process.env.MANDATE_DB_STATEMENT_TIMEOUT_MS = String(STATEMENT_MS);
      if (fresh.config.provider !== "postgresql") throw new Error("expected PostgreSQL");
      throughProxy = createDb({ provider: "postgresql", url: proxy.urlThrough(fresh.config.url) });
      previous = holder.__mandateDb;
      holder.__mandateDb = throughProxy;
    });
    afterAll(async () => {
      holder.__mandateDb = previous;
      await throughProxy?.$disconnect();
      process.env.MANDATE_DB_CONNECT_TIMEOUT_MS = env.connect;
      process.env.MANDATE_DB_STATEMENT_TIMEOUT_MS = env.statement;
      if (env.connect === undefined) delete process.env.MANDATE_DB_CONNECT_TIMEOUT_MS;
      if (env.statement === undefined) delete process.env.MANDATE_DB_STATEMENT_TIMEOUT_MS;
    });
    const me = () =>
      getMe(new NextRequest("http://mandate.test/api/v1/me", { headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({}),
      });

    it("answers a JSON 503 with Retry-After while the database is stopped or frozen, not an empty 500", async () => {
      expect((await me()).status).toBe(200);
      for (const mode of ["refuse", "blackhole"] as const) {
        await proxy.set(mode);
        const r = await timed(me);
        expect(r.value.status).toBe(503);
        expect(r.value.headers.get("retry-after")).toBe("1");
        expect(((await r.value.json()) as { error: { code: string } }).error.code).toBe("unavailable");
        expect(r.ms).toBeLessThan(ANSWER_WITHIN_MS);
        await proxy.set("pass");
      }
      const t0 = performance.now();
      while ((await me()).status !== 200 && performance.now() - t0 < RECOVER_WITHIN_MS)
        await new Promise((r) => setTimeout(r, 50));
      expect((await me()).status).toBe(200);
    });
  });
});
