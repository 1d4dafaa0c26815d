/**
 * Token endpoint throughput: Mandate's lean protocol server (on SQLite and on
 * PostgreSQL) against oidc-provider doing client_credentials, same machine,
 * same load loop. `npm run bench:tokens` (BENCH_SECONDS, BENCH_CONNECTIONS,
 * TEST_POSTGRES_URL). The load generator shares the CPU with the servers, as
 * in docs' performance facts: compare ratios, not absolute figures.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import Provider from "oidc-provider";
import { createDb, type Db } from "@/lib/db/client";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from "@/lib/oauth/defaults";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RESOURCE = "https://mcp.bench.example/docs";
const SECRET = "bench-secret-" + randomBytes(16).toString("hex");

interface Result { name: string; ok: number; failed: number; perSecond: number; p50: number; p99: number }

/** CONNECTIONS loops, each one request at a time, for SECONDS. Keep-alive comes from fetch's pooled dispatcher. */
async function load(name: string, once: () => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let failed = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const ok = await once().catch(() => false);
      if (ok) latencies.push(performance.now() - t);
      else failed++;
    }
  }));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name, ok: latencies.length, failed, perSecond: latencies.length / SECONDS, p50: q(0.5), p99: q(0.99) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(body) });

async function seed(db: Db, agentJwk: object, idpIssuer: string, idpJwk: object): Promise<void> {
  const server = await db.mcpServer.create({ data: { name: "Docs", slug: "docs", resourceUri: RESOURCE, enforcementMode: "gateway" } });
  const tool = await db.tool.create({ data: { serverId: server.id, name: "read_doc", scope: "docs.read", status: "approved" } });
  const ent = await db.entitlement.create({ data: { name: "docs", serverId: server.id, tools: { create: [{ toolId: tool.id }] } } });
  const user = await db.user.create({ data: { email: "alice@bench.example", displayName: "Alice", idpIssuer, idpSubject: "alice" } });
  const agents = [
    { clientId: "bench-pkjwt", kind: "autonomous" as const, authMethod: "private_key_jwt" as const, jwks: { keys: [agentJwk] }, allowedGrantTypes: "client_credentials" },
    { clientId: "bench-basic", kind: "autonomous" as const, authMethod: "client_secret_basic" as const, clientSecretHash: createHash("sha256").update(SECRET).digest("hex"), allowedGrantTypes: "client_credentials" },
    { clientId: "bench-delegated", kind: "delegated" as const, authMethod: "private_key_jwt" as const, jwks: { keys: [agentJwk] }, allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}` },
  ];
  for (const a of agents) {
    const row = await db.agent.create({ data: { ...a, name: a.clientId } });
    await db.assignment.create({ data: { entitlementId: ent.id, principalType: "agent", agentId: row.id, justification: "bench" } });
  }
  await db.assignment.create({ data: { entitlementId: ent.id, principalType: "user", userId: user.id, justification: "bench" } });
  await db.trustedIdp.create({ data: { name: "Bench IdP", issuer: idpIssuer, jwks: { keys: [idpJwk] }, audience: "bench-agent-app" } });
}

async function benchMandate(store: Store): Promise<Result[]> {
  const fresh = await freshDatabase(store);
  const db = createDb(fresh.config);
  const agentKeys = await generateKeyPair("ES256", { extractable: true });
  const agentJwk = { ...(await exportJWK(agentKeys.publicKey)), kid: "a1", alg: "ES256" };
  const idpKeys = await generateKeyPair("ES256", { extractable: true });
  const idpIssuer = "https://idp.bench.example";
  await seed(db, agentJwk, idpIssuer, { ...(await exportJWK(idpKeys.publicKey)), kid: "i1", alg: "ES256" });
  const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
  const server = createProtocolServer(ctx);
  ctx.issuer = await listen(server);
  const token = `${ctx.issuer}/oauth/token`;
  const assertion = (clientId: string, key: CryptoKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: clientId, sub: clientId, aud: ctx.issuer, jti: randomUUID(), iat: now, exp: now + 60 }).setProtectedHeader({ alg: "ES256", kid: "a1" }).sign(key);
  };
  const auth = async (clientId: string) => ({ client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: await assertion(clientId, agentKeys.privateKey) });
  const now = Math.floor(Date.now() / 1000);
  const idToken = await new SignJWT({ iss: idpIssuer, sub: "alice", aud: "bench-agent-app", iat: now, exp: now + 3600, auth_time: now }).setProtectedHeader({ alg: "ES256", kid: "i1" }).sign(idpKeys.privateKey);
  const basic = `Basic ${Buffer.from(`bench-basic:${SECRET}`).toString("base64")}`;
  const results: Result[] = [];
  try {
    // Warm-up: creates the signing keys and JIT-compiles the paths.
    await (await form(token, { grant_type: "client_credentials", resource: RESOURCE }, { authorization: basic })).text();
    results.push(await load(`mandate/${store} client_credentials, client_secret_basic`, async () => {
      const r = await form(token, { grant_type: "client_credentials", resource: RESOURCE }, { authorization: basic });
      await r.arrayBuffer();
      return r.status === 200;
    }));
    results.push(await load(`mandate/${store} client_credentials, private_key_jwt`, async () => {
      const r = await form(token, { grant_type: "client_credentials", resource: RESOURCE, ...(await auth("bench-pkjwt")) });
      await r.arrayBuffer();
      return r.status === 200;
    }));
    results.push(await load(`mandate/${store} token exchange + jwt-bearer (pairs), private_key_jwt`, async () => {
      const te = await form(token, {
        grant_type: GRANT_TOKEN_EXCHANGE, requested_token_type: TOKEN_TYPE_ID_JAG, subject_token: idToken, subject_token_type: TOKEN_TYPE_ID_TOKEN,
        audience: ctx.issuer, resource: RESOURCE, ...(await auth("bench-delegated")),
      });
      const jag = (await te.json()) as { access_token?: string };
      if (!jag.access_token) return false;
      const jb = await form(token, { grant_type: GRANT_JWT_BEARER, assertion: jag.access_token, ...(await auth("bench-delegated")) });
      await jb.arrayBuffer();
      return jb.status === 200;
    }));
  } finally {
    server.closeAllConnections();
    server.close();
    await db.$disconnect();
    await fresh.drop();
  }
  return results;
}

async function benchOidcProvider(): Promise<Result> {
  const server = createServer();
  const issuer = await listen(server);
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const provider = new Provider(issuer, {
    clients: [{ client_id: "bench", client_secret: SECRET, grant_types: ["client_credentials"], response_types: [], redirect_uris: [], id_token_signed_response_alg: "ES256" }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "p1", alg: "ES256", use: "sig" }] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: "docs.read", audience: RESOURCE, accessTokenTTL: 300, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } }),
      },
    },
  });
  server.on("request", provider.callback());
  const basic = `Basic ${Buffer.from(`bench:${SECRET}`).toString("base64")}`;
  await (await form(`${issuer}/token`, { grant_type: "client_credentials", resource: RESOURCE, scope: "docs.read" }, { authorization: basic })).text();
  try {
    return await load("oidc-provider client_credentials, client_secret_basic, in-memory", async () => {
      const r = await form(`${issuer}/token`, { grant_type: "client_credentials", resource: RESOURCE, scope: "docs.read" }, { authorization: basic });
      await r.arrayBuffer();
      return r.status === 200;
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const store of ["sqlite", "postgresql"] as const) results.push(...(await benchMandate(store)));
  const reference = await benchOidcProvider();
  results.push(reference);
  console.log(`\n${CONNECTIONS} concurrent loops, ${SECONDS}s each, load generator on the same machine\n`);
  console.log("| what | tokens/s | p50 ms | p99 ms | failed | vs oidc-provider |");
  console.log("|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failed} | ${(r.perSecond / reference.perSecond).toFixed(2)}× |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
