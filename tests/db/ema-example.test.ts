import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { Gateway } from "@/lib/gateway/gateway";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { listSessions } from "@/lib/sessions/list-sessions";
import { revokeSessions } from "@/lib/sessions/revoke-sessions";
import { createProtocolServer } from "@/server/protocol-server";
import { EMA_EXAMPLE, seedEmaExample } from "@/scripts/seed/ema-example";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

process.env.MANDATE_MASTER_KEY ??= randomBytes(32).toString("base64url");

const ONCALL: Principal = { kind: "system", label: "ema example test (on-call)", roles: ["oncall"] };

/** A port nothing listens on right now, for the example's own IdP and wiki. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** The example's output so far, and a way to wait for a line matching a pattern. */
function watch(child: ChildProcess): {
  text: () => string;
  waitFor: (re: RegExp, ms: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
} {
  let out = "";
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    text: () => out,
    exited,
    waitFor: (re, ms) =>
      new Promise((resolve, reject) => {
        const m = out.match(re);
        if (m) return resolve(m);
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${re}; the example printed:\n${out}`)),
          ms,
        );
        waiters.push({ re, resolve: (x) => (clearTimeout(timer), resolve(x)) });
        void exited.then(() =>
          setTimeout(() => reject(new Error(`the example exited before ${re}; it printed:\n${out}`)), 50),
        );
      }),
  };
}

/**
 * `npm run example:ema` end to end, so the README's walkthrough cannot rot:
 * the example process (its own oidc-provider IdP and MCP wiki, openid-client
 * and the MCP SDK) runs against Mandate's protocol server seeded with the
 * demo's example data, on both stores. Its delegated session appears in the
 * session inventory; revoking it there stops the agent's next call.
 */
describe.each(PROVIDERS)("the EMA example on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let ctx: OAuthContext;
  let gateway: Gateway;
  let server: Server;
  let issuer: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    gateway = new Gateway(ctx, { revocationPollMs: 50 });
    server = createProtocolServer(ctx, { gateway });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(ctx, { issuer });
    await gateway.start();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await gateway?.stop();
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await db?.$disconnect();
    await fresh?.drop();
  });

  // Two tsx processes start here: generous time on a loaded machine.
  it("signs the demo person in, runs the agent through token exchange, jwt-bearer and the gateway, and stops it when its session is revoked", {
    timeout: 240_000,
  }, async () => {
    const [idpPort, wikiPort] = [await freePort(), await freePort()];
    await seedEmaExample(db, {
      issuer,
      idpIssuer: `http://127.0.0.1:${idpPort}`,
      wikiUrl: `http://127.0.0.1:${wikiPort}/mcp`,
      ownerId: null,
    });

    child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "examples/ema/main.ts"], {
      env: {
        ...process.env,
        MANDATE_URL: issuer,
        EXAMPLE_IDP_PORT: String(idpPort),
        EXAMPLE_WIKI_PORT: String(wikiPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const example = watch(child);
    const [, sid = ""] = await example.waitFor(/delegated session (\S+) is live/, 150_000);
    await example.waitFor(/search_pages → .*On-call handbook/, 15_000);
    expect(example.text()).toContain("tools Dana's agent may call: search_pages, read_page");

    // The session inventory (the console's Sessions page) shows it: the person, the agent, the wiki, live.
    const page = await listSessions(db, { q: EMA_EXAMPLE.person.email, limit: 50 });
    const row = page.rows.find((s) => s.id === sid);
    expect(row, `session ${sid} in ${JSON.stringify(page.rows)}`).toBeDefined();
    expect(JSON.stringify(row)).toContain(EMA_EXAMPLE.delegated.name);
    expect(JSON.stringify(row)).toContain(EMA_EXAMPLE.server.name);
    const session = await db.agentSession.findUniqueOrThrow({
      where: { id: sid },
      include: { agent: true, user: true },
    });
    expect(session).toMatchObject({
      status: "active",
      agent: { clientId: EMA_EXAMPLE.delegated.clientId },
      user: { email: EMA_EXAMPLE.person.email },
    });

    // While the example serves the wiki, the autonomous example reaches it with client_credentials.
    const autonomous = watch(
      spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "examples/autonomous-agent.ts"], {
        env: { ...process.env, MANDATE_URL: issuer },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    expect(await autonomous.exited, autonomous.text()).toBe(0);
    expect(autonomous.text()).toMatch(/search_pages → .*Release checklist/);
    expect(
      await db.agentSession.count({ where: { agent: { clientId: EMA_EXAMPLE.autonomous.clientId }, userId: null } }),
    ).toBe(1);

    await revokeSessions(db, ONCALL, { sessionIds: [sid], reason: "Trying out revocation" });
    await example.waitFor(/refused: the session was revoked/, 15_000);
    expect(await example.exited).toBe(0);
  });
});
