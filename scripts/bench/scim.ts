/**
 * npm run bench:scim [-- --store sqlite|postgresql] [-- --users N --groups N]
 *
 * SCIM provisioning through the real endpoint (Mandate's node:http protocol
 * server on a random port), on a fresh SQLite file and a fresh PostgreSQL
 * database (TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres):
 *   (a) an IdP's initial load: 50,000 users (POST /Users), then 5,000 groups
 *       of 10 members each (POST /Groups), from 16 concurrent connections — users/s, groups/s;
 *   (b) one deactivation (PATCH active=false, as Entra sends it) of a person with
 *       100 live delegated sessions, 5 direct assignments and 3 owned agents:
 *       the request's wall time, which includes the whole offboarding cascade
 *       (target ≤ 1 s).
 * It prints figures only; nothing here asserts on time (machines differ).
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { createDb, type Db } from "@/lib/db/client";
import { createScimToken } from "@/lib/directory/scim-tokens";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";

process.env.NEXT_TELEMETRY_DISABLED = "1";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const USERS = Number(arg("users") ?? 50_000);
const GROUPS = Number(arg("groups") ?? 5_000);
const MEMBERS_PER_GROUP = 10;
const CONCURRENCY = Number(arg("connections") ?? 16);
const SESSIONS = 100;
const STORES: Store[] = arg("store") ? [arg("store") as Store] : ["sqlite", "postgresql"];

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** Runs `count` jobs from `CONCURRENCY` workers; returns the elapsed seconds. */
async function pool(count: number, job: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await job(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function bench(store: Store): Promise<void> {
  const fresh = await freshDatabase(store);
  const db: Db = createDb(fresh.config);
  // As the embedded store runs once seeded (lib/db/bulk-insert.ts sets WAL): a fresh file would otherwise use a rollback journal.
  if (store === "sqlite") await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const server: Server = createProtocolServer(ctx);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  ctx.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = `${ctx.issuer}/scim/v2`;
  const { token } = await createScimToken(
    db,
    { kind: "system", label: "bench", roles: ["admin"] },
    { name: "bench IdP" },
  );
  const send = async (
    method: string,
    path: string,
    body: unknown,
    expected: number,
  ): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  try {
    const userIds: string[] = new Array(USERS);
    const userSecs = await pool(USERS, async (i) => {
      const login = `user${i}@bench.example`;
      const created = await send(
        "POST",
        "/Users",
        {
          schemas: [USER],
          userName: login,
          externalId: `ext-${i}`,
          active: true,
          displayName: `User ${i}`,
          name: { givenName: "User", familyName: String(i) },
          emails: [{ value: login, type: "work", primary: true }],
        },
        201,
      );
      userIds[i] = String(created.id);
    });
    const groupSecs = await pool(GROUPS, async (g) => {
      const members = Array.from({ length: MEMBERS_PER_GROUP }, (_, k) => ({
        value: userIds[(g * MEMBERS_PER_GROUP + k) % USERS],
      }));
      await send(
        "POST",
        "/Groups",
        { schemas: [GROUP], displayName: `Group ${g}`, externalId: `grp-${g}`, members },
        201,
      );
    });
    console.log(
      `${store.padEnd(10)} initial load   ${USERS} users in ${userSecs.toFixed(1)} s = ${Math.round(USERS / userSecs)} users/s; ` +
        `${GROUPS} groups × ${MEMBERS_PER_GROUP} members in ${groupSecs.toFixed(1)} s = ${Math.round(GROUPS / groupSecs)} groups/s`,
    );

    // A leaver with 100 live delegated sessions (one token each), direct grants and agents of their own.
    const leaver = userIds[0]!;
    const srv = await db.mcpServer.create({
      data: { name: "Bench", slug: "bench", resourceUri: "https://bench.example/mcp", enforcementMode: "native" },
    });
    const ent = await db.entitlement.create({ data: { name: "bench", serverId: srv.id } });
    for (let k = 0; k < 5; k++)
      await db.assignment.create({
        data: { entitlementId: ent.id, principalType: "user", userId: leaver, justification: "bench" },
      });
    const agents: { id: string }[] = [];
    for (let k = 0; k < 3; k++) {
      agents.push(
        await db.agent.create({
          data: {
            clientId: `bench-agent-${k}`,
            name: `bench-agent-${k}`,
            kind: "delegated",
            ownerId: leaver,
            authMethod: "client_secret_basic",
            allowedGrantTypes: "client_credentials",
          },
        }),
      );
    }
    const later = new Date(Date.now() + 3_600_000);
    await db.agentSession.createMany({
      data: Array.from({ length: SESSIONS }, (_, k) => ({
        id: randomUUID(),
        agentId: agents[k % 3]!.id,
        userId: leaver,
        serverId: srv.id,
        scopes: "bench.read",
        grantType: "jwt-bearer",
        expiresAt: later,
      })),
    });
    const sessions = await db.agentSession.findMany({ where: { userId: leaver }, select: { id: true, agentId: true } });
    await db.issuedToken.createMany({
      data: sessions.map((s) => ({
        id: randomUUID(),
        jti: randomUUID(),
        kind: "access_token" as const,
        sessionId: s.id,
        clientId: "bench",
        audience: srv.resourceUri,
        scopes: "bench.read",
        expiresAt: later,
      })),
    });
    const started = performance.now();
    const off = await send(
      "PATCH",
      `/Users/${leaver}`,
      { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value: "False" }] },
      200,
    );
    const cascadeMs = performance.now() - started;
    const live = await db.agentSession.count({ where: { userId: leaver, status: "active" } });
    const ownerless = await db.agent.count({ where: { ownerId: leaver, ownerlessSince: { not: null } } });
    console.log(
      `${store.padEnd(10)} deactivation   ${cascadeMs.toFixed(0)} ms for the PATCH with its cascade (${SESSIONS} sessions revoked, ` +
        `${live} left live, 5 assignments ended, ${ownerless} agents ownerless; active=${String(off.active)}) — target ≤ 1000 ms`,
    );
  } finally {
    await new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
    await db.$disconnect();
    await fresh.drop();
  }
}

async function main() {
  console.log(`SCIM bench: ${USERS} users, ${GROUPS} groups, ${CONCURRENCY} connections`);
  for (const store of STORES) await bench(store);
  console.log(
    `\nload average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} (a shared 2-core machine: figures are under load)`,
  );
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
