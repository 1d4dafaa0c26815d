/**
 * Token endpoint throughput: the built token service (server/protocol-server.ts,
 * the routes server/main.ts serves, in a process of its own) on SQLite and on
 * PostgreSQL, against oidc-provider doing client_credentials (also in its own
 * process), driven the same way by this process: CONNECTIONS keep-alive
 * connections (node:http Agent), each one request at a time, for SECONDS.
 *
 * Each Mandate row takes turns with oidc-provider in rounds of a few seconds,
 * so the ratio compares the two under the same background load, and with the
 * same client authentication: the client_secret_basic row against
 * oidc-provider's client_secret_basic client, the private_key_jwt rows against
 * its private_key_jwt client (verifying an ES256 assertion and recording its
 * jti costs either server the same kind of work). oidc-provider has no token
 * exchange, so the token-exchange + jwt-bearer pairs are set against its
 * private_key_jwt client_credentials, token for token. The external ID-JAG row
 * redeems ID-JAGs signed by another issuer (a jose-signed issuer in this
 * process, trusted as an id_jag_issuer, its JWKS served over HTTP as an
 * enterprise IdP's is) and is set against the same reference.
 *
 * `npm run bench:tokens` (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_STORES=sqlite,postgresql, BENCH_ROWS=basic,pkjwt,pairs,extjag,
 * BENCH_CPU_PROF=<dir> to write each server's CPU profile there, TEST_POSTGRES_URL, BENCH_INSTANCES=n to run
 * Mandate as n processes on the one store — how it scales out — with the connections spread over them).
 * Everything shares the machine's cores: besides requests/s, each row gives the
 * server's own CPU time per token (process.cpuUsage over the run), which depends
 * far less on what else the machine is doing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createPrivateKey, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import {
  GRANT_JWT_BEARER,
  GRANT_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
  TYP_ID_JAG,
} from "@/lib/oauth/defaults";
import { freshDatabase, type Provider as Store } from "@/tests/support/databases";
import type { ChildMessage, ParentMessage } from "./servers/child";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUND_SECONDS = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgresql")
  .split(",")
  .filter((s): s is Store => s === "sqlite" || s === "postgresql");
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** Which Mandate rows to run: basic, pkjwt, pairs, extjag, code, refresh (all by default). */
const ROWS = new Set((process.env.BENCH_ROWS ?? "basic,pkjwt,pairs,extjag,code,refresh").split(","));
/** Mandate processes on the one store, sharing an issuer as instances behind a load balancer do. */
const INSTANCES = Math.max(1, Number(process.env.BENCH_INSTANCES ?? 1));
const RESOURCE = "https://mcp.bench.example/docs";
const SECRET = "bench-secret-" + randomBytes(16).toString("hex");
const here = dirname(fileURLToPath(import.meta.url));

interface Result {
  name: string;
  tokens: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerToken: number;
  /** Share of the run the server's main thread was busy: near 100%, that thread is the limit; well below, the machine is. */
  serverLoopBusy: number;
  /** This process's CPU per token: what the load generator takes from the same cores. */
  loadMicrosPerToken: number;
}

/** A Mandate row and oidc-provider, measured in the same rounds. */
interface Comparison {
  row: Result;
  reference: Result;
}

// ───────────── the servers, each in a child process

interface ChildCpu {
  micros: number;
  loopActiveMs: number;
  loopIdleMs: number;
}
/** `url` is the server's issuer; `address` where it listens (the same, unless it answers for another instance's issuer). */
interface BenchChild {
  url: string;
  address: string;
  cpu(): Promise<ChildCpu>;
  stop(): Promise<void>;
}

async function startChild(script: string, env: Record<string, string>, label: string): Promise<BenchChild> {
  const args = [
    ...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${join(PROFILE_DIR, label)}`] : []),
    "--import",
    "tsx",
    join(here, "servers", script),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, NODE_ENV: "production", ...env },
  });
  const next = <T extends ChildMessage["type"]>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(m as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`${script} exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const send = (m: ParentMessage) => child.send(m);
  const { url, address } = await next("ready");
  return {
    url,
    address: address ?? url,
    async cpu() {
      const reply = next("cpu");
      send({ type: "cpu" });
      const m = await reply;
      return { micros: m.userMicros + m.systemMicros, loopActiveMs: m.loopActiveMs, loopIdleMs: m.loopIdleMs };
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      send({ type: "stop" });
      await exited;
    },
  };
}

/** Mandate as INSTANCES processes on one store; `url` is the issuer they share (the first one's address). */
async function startInstances(store: Store, databaseUrl: string): Promise<BenchChild & { urls: string[] }> {
  const first = await startChild("mandate.ts", { DATABASE_URL: databaseUrl }, `mandate-${store}`);
  const rest = await Promise.all(
    Array.from({ length: INSTANCES - 1 }, (_, i) =>
      startChild("mandate.ts", { DATABASE_URL: databaseUrl, BENCH_ISSUER: first.url }, `mandate-${store}-${i + 2}`),
    ),
  );
  const all = [first, ...rest];
  return {
    url: first.url,
    address: first.address,
    urls: all.map((c) => c.address),
    async cpu() {
      const each = await Promise.all(all.map((c) => c.cpu()));
      return each.reduce((a, b) => ({
        micros: a.micros + b.micros,
        loopActiveMs: a.loopActiveMs + b.loopActiveMs,
        loopIdleMs: a.loopIdleMs + b.loopIdleMs,
      }));
    },
    async stop() {
      await Promise.all(all.map((c) => c.stop()));
    },
  };
}

// ───────────── the load generator

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(url: URL, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * One thing driven by the load generator, its figures pooled over rounds: a
 * Mandate row and oidc-provider take turns, round by round, so that both see
 * the same background load (the machine is shared, and its speed drifts by a
 * third from one minute to the next here).
 */
class Target {
  private readonly latencies: number[] = [];
  private tokens = 0;
  private failed = 0;
  private seconds = 0;
  private cpu = 0;
  private loopActive = 0;
  private loopIdle = 0;
  private own = 0;

  /** `once` returns how many tokens it obtained (0 = failure); `loop` numbers the connection it runs on. */
  constructor(
    readonly name: string,
    private readonly server: BenchChild,
    private readonly once: (loop: number) => Promise<number>,
  ) {}

  /** JIT, key ring, statement caches: not measured. */
  async warm(): Promise<void> {
    const end = Date.now() + 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, loop) => {
        while (Date.now() < end) await this.once(loop).catch(() => 0);
      }),
    );
  }

  /** CONNECTIONS loops for `seconds`. */
  async round(seconds: number): Promise<void> {
    const cpuBefore = await this.server.cpu();
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, loop) => {
        while (Date.now() < end) {
          const t = performance.now();
          const n = await this.once(loop).catch(() => 0);
          if (n > 0) {
            this.latencies.push(performance.now() - t);
            this.tokens += n;
          } else this.failed++;
        }
      }),
    );
    this.seconds += (performance.now() - started) / 1000;
    const own = process.cpuUsage(ownBefore);
    this.own += own.user + own.system;
    const cpuAfter = await this.server.cpu();
    this.cpu += cpuAfter.micros - cpuBefore.micros;
    this.loopActive += cpuAfter.loopActiveMs - cpuBefore.loopActiveMs;
    this.loopIdle += cpuAfter.loopIdleMs - cpuBefore.loopIdleMs;
  }

  result(): Result {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    const t = this.tokens;
    return {
      name: this.name,
      tokens: t,
      failed: this.failed,
      perSecond: t / this.seconds,
      p50: q(0.5),
      p99: q(0.99),
      cpuMicrosPerToken: t ? this.cpu / t : NaN,
      serverLoopBusy: this.loopActive / (this.loopActive + this.loopIdle),
      loadMicrosPerToken: t ? this.own / t : NaN,
    };
  }
}

/** A Mandate row against the reference, in alternating rounds of ROUND_SECONDS, SECONDS each in all. */
async function compare(row: Target, reference: Target): Promise<Comparison> {
  await reference.warm();
  await row.warm();
  const rounds = Math.max(1, Math.round(SECONDS / ROUND_SECONDS));
  for (let r = 0; r < rounds; r++) {
    await reference.round(SECONDS / rounds);
    await row.round(SECONDS / rounds);
  }
  return { row: row.result(), reference: reference.result() };
}

// ───────────── client assertions, signed ahead of the measured run

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

function assertionSigner(key: KeyObject, kid: string) {
  return (clientId: string, audience: string) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: "ES256", kid })}.${b64({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 120 })}`;
    return `${input}.${sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  };
}

/** Assertions are single-use: a pool signed before the run, topped up on the fly if it runs dry. */
function assertionPool(make: () => string, size: number): () => string {
  const pool = Array.from({ length: size }, make);
  return () => pool.pop() ?? make();
}

// ───────────── Mandate

async function seed(
  db: Db,
  agentJwk: JWK,
  idpIssuer: string,
  idpJwk: JWK,
  external: ExternalIssuer,
): Promise<{ serverId: string; userId: string; ideId: string }> {
  const server = await db.mcpServer.create({
    data: { name: "Docs", slug: "docs", resourceUri: RESOURCE, enforcementMode: "gateway" },
  });
  const tool = await db.tool.create({
    data: { serverId: server.id, name: "read_doc", scope: "docs.read", status: "approved" },
  });
  const ent = await db.entitlement.create({
    data: { name: "docs", serverId: server.id, tools: { create: [{ toolId: tool.id }] } },
  });
  const user = await db.user.create({
    data: { email: "alice@bench.example", displayName: "Alice", idpIssuer, idpSubject: "alice" },
  });
  const agents = [
    {
      clientId: "bench-pkjwt",
      kind: "autonomous" as const,
      authMethod: "private_key_jwt" as const,
      jwks: { keys: [agentJwk] } as object,
      allowedGrantTypes: "client_credentials",
    },
    {
      clientId: "bench-basic",
      kind: "autonomous" as const,
      authMethod: "client_secret_basic" as const,
      clientSecretHash: createHash("sha256").update(SECRET).digest("hex"),
      allowedGrantTypes: "client_credentials",
    },
    {
      clientId: "bench-delegated",
      kind: "delegated" as const,
      authMethod: "private_key_jwt" as const,
      jwks: { keys: [agentJwk] } as object,
      allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`,
    },
  ];
  const idp = await db.trustedIdp.create({
    data: { name: "Bench IdP", issuer: idpIssuer, jwks: { keys: [idpJwk] } as object },
  });
  for (const a of agents) {
    const row = await db.agent.create({ data: { ...a, name: a.clientId } });
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "agent", agentId: row.id, justification: "bench" },
    });
    // The delegated agent's client at the IdP: the ID tokens' audience.
    if (a.kind === "delegated")
      await db.agentIdpClient.create({ data: { agentId: row.id, idpId: idp.id, clientId: "bench-agent-app" } });
  }
  await db.assignment.create({
    data: { entitlementId: ent.id, principalType: "user", userId: user.id, justification: "bench" },
  });
  // The external ID-JAG issuer: trusted in that role only, its keys fetched from its jwks_uri (not a static set), and a
  // person it names by subject.
  await db.trustedIdp.create({
    data: {
      name: "Bench partner IdP",
      issuer: external.issuer,
      roles: "id_jag_issuer",
      jwksUri: `${external.issuer}/jwks`,
      algorithms: "ES256",
    },
  });
  const bob = await db.user.create({
    data: { email: "bob@bench.example", displayName: "Bob", idpIssuer: external.issuer, idpSubject: EXTERNAL_SUBJECT },
  });
  await db.assignment.create({
    data: { entitlementId: ent.id, principalType: "user", userId: bob.id, justification: "bench" },
  });
  // An interactive client (public, PKCE) for the authorization-code and refresh rows.
  const ide = await db.agent.create({
    data: {
      clientId: IDE_CLIENT,
      name: IDE_CLIENT,
      kind: "interactive",
      authMethod: "none",
      allowedGrantTypes: "authorization_code refresh_token",
      redirectUris: IDE_REDIRECT,
      registration: "dcr",
    },
  });
  await db.assignment.create({
    data: { entitlementId: ent.id, principalType: "agent", agentId: ide.id, justification: "bench" },
  });
  return { serverId: server.id, userId: user.id, ideId: ide.id };
}

const IDE_CLIENT = "bench-ide";
const IDE_REDIRECT = "http://127.0.0.1:1/callback";
const IDE_VERIFIER = "bench-verifier-".padEnd(64, "v");

/**
 * Authorization codes as the consent screen issues them (lib/interactive/consent.ts), written ahead of the run:
 * the row measures their redemption at the token endpoint, not the person's browser.
 */
async function seedCodes(
  db: Db,
  ids: { serverId: string; userId: string; ideId: string },
  count: number,
): Promise<string[]> {
  const now = new Date();
  const challenge = createHash("sha256").update(IDE_VERIFIER).digest("base64url");
  const codes = Array.from({ length: count }, () => randomBytes(32).toString("base64url"));
  for (let i = 0; i < codes.length; i += 1000) {
    await db.authorizationRequest.createMany({
      data: codes.slice(i, i + 1000).map((code) => ({
        id: randomBytes(24).toString("base64url"),
        agentId: ids.ideId,
        redirectUri: IDE_REDIRECT,
        codeChallenge: challenge,
        resource: RESOURCE,
        serverId: ids.serverId,
        scope: "",
        status: "issued",
        createdAt: now,
        expiresAt: new Date(now.getTime() + 3600_000),
        userId: ids.userId,
        authTime: now,
        codeHash: createHash("sha256").update(code).digest("hex"),
        codeExpiresAt: new Date(now.getTime() + 3600_000),
        issuedAt: now,
        grantedScope: "docs.read",
      })),
    });
  }
  return codes;
}

// ───────────── an external ID-JAG issuer (the enterprise IdP of the MCP Enterprise-Managed Authorization extension)

const EXTERNAL_SUBJECT = "bob";

interface ExternalIssuer {
  issuer: string;
  /** An ID-JAG for this client, resource and audience, signed ahead of the run (each jti is redeemable once). */
  sign: (clientId: string, audience: string) => string;
  stop(): Promise<void>;
}

/** An issuer in this process: its JWKS over HTTP on loopback, as an IdP publishes it; ID-JAGs signed with node:crypto. */
async function startExternalIssuer(): Promise<ExternalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "x1", alg: "ES256", use: "sig" }] });
  const server: Server = createServer((req, res) => {
    if (req.url === "/jwks") res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = createPrivateKey({ key: await exportJWK(privateKey), format: "jwk" });
  return {
    issuer,
    sign: (clientId, audience) => {
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: "ES256", kid: "x1", typ: TYP_ID_JAG })}.${b64({
        iss: issuer,
        sub: EXTERNAL_SUBJECT,
        aud: audience,
        client_id: clientId,
        resource: RESOURCE,
        scope: "docs.read",
        jti: randomUUID(),
        iat: now,
        exp: now + 300,
      })}`;
      return `${input}.${sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The agents' key pair: Mandate's private_key_jwt agents and oidc-provider's private_key_jwt client share it. */
interface ClientKeys {
  publicJwk: JWK;
  sign: (clientId: string, audience: string) => string;
}

async function clientKeys(): Promise<ClientKeys> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  return {
    publicJwk: { ...(await exportJWK(publicKey)), kid: "a1", alg: "ES256" },
    sign: assertionSigner(createPrivateKey({ key: await exportJWK(privateKey), format: "jwk" }), "a1"),
  };
}

const pkjwtParams = (keys: ClientKeys, clientId: string, audience: string) => ({
  client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  client_assertion: keys.sign(clientId, audience),
});

/** oidc-provider's two clients, each a fresh Target per comparison. */
interface References {
  basic(): Target;
  pkjwt(): Target;
}

async function benchMandate(
  store: Store,
  keys: ClientKeys,
  references: References,
  external: ExternalIssuer,
): Promise<Comparison[]> {
  const fresh = await freshDatabase(store);
  const agentJwk = keys.publicJwk;
  const idpKeys = await generateKeyPair("ES256", { extractable: true });
  const idpIssuer = "https://idp.bench.example";
  const seeding = createDb(fresh.config);
  const ids = await seed(
    seeding,
    agentJwk,
    idpIssuer,
    { ...(await exportJWK(idpKeys.publicKey)), kid: "i1", alg: "ES256" },
    external,
  );
  const codes = ROWS.has("code") || ROWS.has("refresh") ? await seedCodes(seeding, ids, 30_000) : [];
  await seeding.$disconnect();

  const databaseUrl = fresh.config.provider === "sqlite" ? `file:${fresh.config.file}` : fresh.config.url;
  const server = await startInstances(store, databaseUrl);
  const tokens = server.urls.map((u) => new URL(`${u}/oauth/token`));
  // Each connection stays with one instance, as a keep-alive connection through a load balancer does.
  const tokenUrl = (loop: number) => tokens[loop % tokens.length]!;
  const pkjwt = (clientId: string) => pkjwtParams(keys, clientId, server.url);
  const now = Math.floor(Date.now() / 1000);
  const idToken = await new SignJWT({
    iss: idpIssuer,
    sub: "alice",
    aud: "bench-agent-app",
    iat: now,
    exp: now + 3600,
    auth_time: now,
  })
    .setProtectedHeader({ alg: "ES256", kid: "i1" })
    .sign(idpKeys.privateKey);
  const basic = { authorization: `Basic ${Buffer.from(`bench-basic:${SECRET}`).toString("base64")}` };
  const ccBody = new URLSearchParams({ grant_type: "client_credentials", resource: RESOURCE }).toString();
  const ok = (r: { status: number }) => (r.status === 200 ? 1 : 0);
  const results: Comparison[] = [];
  const label = INSTANCES > 1 ? `mandate/${store} ×${INSTANCES} processes` : `mandate/${store}`;
  const row = (name: string, reference: Target, once: (loop: number) => Promise<number>) =>
    compare(new Target(`${label} ${name}`, server, once), reference);
  try {
    if (ROWS.has("basic"))
      results.push(
        await row("client_credentials, client_secret_basic", references.basic(), async (loop) =>
          ok(await post(tokenUrl(loop), ccBody, basic)),
        ),
      );
    if (ROWS.has("pkjwt")) {
      const pkjwtAssertion = assertionPool(
        () =>
          new URLSearchParams({
            grant_type: "client_credentials",
            resource: RESOURCE,
            ...pkjwt("bench-pkjwt"),
          }).toString(),
        40_000,
      );
      results.push(
        await row("client_credentials, private_key_jwt", references.pkjwt(), async (loop) =>
          ok(await post(tokenUrl(loop), pkjwtAssertion())),
        ),
      );
    }
    if (ROWS.has("pairs")) {
      const exchange = assertionPool(
        () =>
          new URLSearchParams({
            grant_type: GRANT_TOKEN_EXCHANGE,
            requested_token_type: TOKEN_TYPE_ID_JAG,
            subject_token: idToken,
            subject_token_type: TOKEN_TYPE_ID_TOKEN,
            audience: server.url,
            resource: RESOURCE,
            ...pkjwt("bench-delegated"),
          }).toString(),
        15_000,
      );
      const redeemAuth = assertionPool(() => new URLSearchParams(pkjwt("bench-delegated")).toString(), 15_000);
      results.push(
        await row(
          "token exchange → ID-JAG, then jwt-bearer → at+jwt (2 tokens per pair), private_key_jwt",
          references.pkjwt(),
          async (loop) => {
            const token = tokenUrl(loop);
            const te = await post(token, exchange());
            if (te.status !== 200) return 0;
            const jag = (JSON.parse(te.body) as { access_token: string }).access_token;
            const jb = await post(
              token,
              `grant_type=${encodeURIComponent(GRANT_JWT_BEARER)}&assertion=${jag}&${redeemAuth()}`,
            );
            return jb.status === 200 ? 2 : 0;
          },
        ),
      );
    }
    if (ROWS.has("extjag")) {
      const redeem = assertionPool(
        () =>
          new URLSearchParams({
            grant_type: GRANT_JWT_BEARER,
            assertion: external.sign("bench-delegated", server.url),
            ...pkjwt("bench-delegated"),
          }).toString(),
        15_000,
      );
      results.push(
        await row(
          "jwt-bearer with an external ID-JAG (issuer's JWKS over HTTP) → at+jwt, private_key_jwt",
          references.pkjwt(),
          async (loop) => ok(await post(tokenUrl(loop), redeem())),
        ),
      );
    }
    const redeemBody = (code: string) =>
      new URLSearchParams({
        grant_type: "authorization_code",
        client_id: IDE_CLIENT,
        code,
        code_verifier: IDE_VERIFIER,
        redirect_uri: IDE_REDIRECT,
        resource: RESOURCE,
      }).toString();
    // No oidc-provider row drives a person's browser: these are set against its client_credentials (client_secret_basic) figures.
    if (ROWS.has("code")) {
      results.push(
        await row(
          "authorization_code + PKCE redemption (public client; access + refresh token)",
          references.basic(),
          async (loop) => {
            const code = codes.pop();
            return code ? ok(await post(tokenUrl(loop), redeemBody(code))) : 0;
          },
        ),
      );
    }
    if (ROWS.has("refresh")) {
      // Each connection rotates its own refresh token family, as a client does.
      const current = new Map<number, string>();
      results.push(
        await row(
          "refresh_token rotation (public client; access + new refresh token)",
          references.basic(),
          async (loop) => {
            let rt = current.get(loop);
            if (!rt) {
              const code = codes.pop();
              if (!code) return 0;
              const first = await post(tokenUrl(loop), redeemBody(code));
              if (first.status !== 200) return 0;
              rt = (JSON.parse(first.body) as { refresh_token: string }).refresh_token;
            }
            const res = await post(
              tokenUrl(loop),
              new URLSearchParams({
                grant_type: "refresh_token",
                client_id: IDE_CLIENT,
                refresh_token: rt,
                resource: RESOURCE,
              }).toString(),
            );
            if (res.status !== 200) {
              current.delete(loop);
              return 0;
            }
            current.set(loop, (JSON.parse(res.body) as { refresh_token: string }).refresh_token);
            return 1;
          },
        ),
      );
    }
  } finally {
    await server.stop();
  }
  try {
    // What was answered was persisted: every token has its row and its audit event, and the chain holds.
    const check = createDb(fresh.config);
    // Refresh tokens are written beside the access token they come with, under its one token.minted.
    const [issued, minted, chain] = [
      await check.issuedToken.count({ where: { kind: { not: "refresh_token" } } }),
      await check.auditEvent.count({ where: { action: "token.minted" } }),
      await verifyAuditChain(check),
    ];
    await check.$disconnect();
    console.log(
      `mandate/${store}: ${issued} issued-token rows, ${minted} token.minted events, audit chain ${chain.firstBroken ? `BROKEN at ${JSON.stringify(chain.firstBroken)}` : `intact (${chain.eventsChecked} events)`}`,
    );
    if (chain.firstBroken || issued !== minted) process.exitCode = 1;
  } finally {
    await fresh.drop();
  }
  return results;
}

// ───────────── oidc-provider

/** oidc-provider doing client_credentials, up for the whole run; each comparison drives one of its clients as a new Target. */
async function startOidcProvider(keys: ClientKeys): Promise<References & { stop(): Promise<void> }> {
  const server = await startChild(
    "oidc-provider.ts",
    { BENCH_RESOURCE: RESOURCE, BENCH_SECRET: SECRET, BENCH_CLIENT_JWKS: JSON.stringify({ keys: [keys.publicJwk] }) },
    "oidc-provider",
  );
  const token = new URL(`${server.url}/token`);
  const ok = (r: { status: number }) => (r.status === 200 ? 1 : 0);
  const grant = { grant_type: "client_credentials", resource: RESOURCE, scope: "docs.read" };
  const basicHeader = { authorization: `Basic ${Buffer.from(`bench:${SECRET}`).toString("base64")}` };
  const basicBody = new URLSearchParams(grant).toString();
  return {
    basic: () =>
      new Target("oidc-provider client_credentials, client_secret_basic, in-memory store", server, async () =>
        ok(await post(token, basicBody, basicHeader)),
      ),
    pkjwt: () => {
      // Signed per comparison: assertions live two minutes. oidc-provider accepts its issuer identifier as their audience, as Mandate requires.
      const body = assertionPool(
        () => new URLSearchParams({ ...grant, ...pkjwtParams(keys, "bench-pkjwt", server.url) }).toString(),
        25_000,
      );
      return new Target("oidc-provider client_credentials, private_key_jwt, in-memory store", server, async () =>
        ok(await post(token, body())),
      );
    },
    stop: () => server.stop(),
  };
}

async function main(): Promise<void> {
  const comparisons: Comparison[] = [];
  const keys = await clientKeys();
  const references = await startOidcProvider(keys);
  const external = await startExternalIssuer();
  try {
    for (const store of STORES) comparisons.push(...(await benchMandate(store, keys, references, external)));
  } finally {
    await external.stop();
    await references.stop();
  }
  agent.destroy();
  console.log(
    `\n${CONNECTIONS} keep-alive connections; each row ${SECONDS}s after 1s warm-up, in rounds of ${ROUND_SECONDS}s that alternate with oidc-provider (whose figures in those same rounds follow the row); servers in their own processes, load generator in this one, all on this machine's cores\n`,
  );
  console.log(
    "| what | tokens/s | p50 ms | p99 ms | failed | server CPU µs/token | server main thread busy | load generator CPU µs/token | vs oidc-provider |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  const line = (r: Result, ratio: string) =>
    `| ${r.name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failed} | ${r.cpuMicrosPerToken.toFixed(0)} | ${(100 * r.serverLoopBusy).toFixed(0)}% | ${r.loadMicrosPerToken.toFixed(0)} | ${ratio} |`;
  for (const { row, reference: ref } of comparisons) {
    console.log(line(row, `**${(row.perSecond / ref.perSecond).toFixed(2)}×**`));
    console.log(line({ ...ref, name: `↳ ${ref.name}, same rounds` }, "1.00×"));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
