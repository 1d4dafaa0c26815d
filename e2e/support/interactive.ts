import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { recordedDefinition, type TestTool } from "../../tests/support/mcp-test-server";
import { E2E_DB_PATH } from "./db";

function open(): Database.Database {
  const db = new Database(E2E_DB_PATH, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

function write<T>(fn: (db: Database.Database) => T): T {
  const db = open();
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A person of the directory with a local password (the demo one) and no console role. */
export function createPersonWithoutRole(label: string): { id: string; email: string } {
  return write((d) => {
    const { passwordHash } = d.prepare("SELECT passwordHash FROM User WHERE email = 'admin@acme.example'").get() as {
      passwordHash: string;
    };
    const id = `e2e-${randomUUID()}`;
    const email = `e2e-${label}-${randomUUID().slice(0, 8)}@acme.example`;
    const now = Date.now();
    d.prepare(
      "INSERT INTO User (id, email, displayName, active, source, passwordHash, createdAt, updatedAt) VALUES (?, ?, ?, 1, 'local', ?, ?, ?)",
    ).run(id, email, `E2E ${label}`, passwordHash, now, now);
    return { id, email };
  });
}

export interface InteractiveTarget {
  serverId: string;
  serverName: string;
  slug: string;
  /** The gateway endpoint, which is also the server's resource URI (what MCP clients expect of a remote server). */
  url: string;
  entitlementId: string;
}

/**
 * A gateway-mode server whose resource URI is its gateway URL, relaying to `upstreamUrl`, with `tools` approved (their
 * definitions pinned as an approval pins them: the gateway hides a tool whose listed definition differs) in one
 * entitlement.
 */
export function createInteractiveTarget(baseURL: string, upstreamUrl: string, tools: TestTool[]): InteractiveTarget {
  return write((d) => {
    const suffix = randomBytes(4).toString("hex");
    const slug = `ide-${suffix}`;
    const serverId = `e2e-srv-${suffix}`;
    const serverName = `IDE docs ${suffix}`;
    const url = `${baseURL}/mcp/${slug}`;
    const now = Date.now();
    d.transaction(() => {
      d.prepare(
        `INSERT INTO McpServer (id, name, slug, resourceUri, enforcementMode, upstreamUrl, argumentLogging, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'gateway', ?, 'none', ?, ?)`,
      ).run(serverId, serverName, slug, url, upstreamUrl, now, now);
      d.prepare(
        `INSERT INTO Entitlement (id, name, serverId, maxSessionSeconds, createdAt, updatedAt) VALUES (?, ?, ?, 28800, ?, ?)`,
      ).run(`e2e-ent-${suffix}`, `IDE docs use ${suffix}`, serverId, now, now);
      for (const tool of tools) {
        const { name } = tool;
        const toolId = `e2e-tool-${suffix}-${name}`;
        const def = recordedDefinition(tool, true);
        d.prepare(
          `INSERT INTO Tool (id, serverId, name, title, description, inputSchema, definitionHash, approvedDefinition, approvedDefinitionHash, risk, scope, status, firstSeenAt, lastSeenAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'read', ?, 'approved', ?, ?, ?)`,
        ).run(
          toolId,
          serverId,
          name,
          def.title,
          def.description,
          JSON.stringify(def.inputSchema),
          def.definitionHash,
          JSON.stringify(def.approvedDefinition),
          def.approvedDefinitionHash,
          `${slug}:${name}`,
          now,
          now,
          now,
        );
        d.prepare(`INSERT INTO EntitlementTool (entitlementId, toolId) VALUES (?, ?)`).run(`e2e-ent-${suffix}`, toolId);
      }
    })();
    return { serverId, serverName, slug, url, entitlementId: `e2e-ent-${suffix}` };
  });
}

export function assign(entitlementId: string, who: { agentId: string } | { userId: string }): void {
  write((d) => {
    const [type, col, id] = "agentId" in who ? ["agent", "agentId", who.agentId] : ["user", "userId", who.userId];
    d.prepare(
      `INSERT INTO Assignment (id, entitlementId, principalType, ${col}, justification, createdAt) VALUES (?, ?, ?, ?, 'e2e interactive', ?)`,
    ).run(`e2e-asg-${randomUUID()}`, entitlementId, type, id, Date.now());
  });
}

export function agentByClientId(
  clientId: string,
): { id: string; name: string; status: string; kind: string } | undefined {
  return write(
    (d) =>
      d.prepare("SELECT id, name, status, kind FROM Agent WHERE clientId = ?").get(clientId) as
        | { id: string; name: string; status: string; kind: string }
        | undefined,
  );
}

export function sessionStatus(id: string): string | undefined {
  return write(
    (d) =>
      (d.prepare("SELECT status FROM AgentSession WHERE id = ?").get(id) as { status: string } | undefined)?.status,
  );
}

/** The client's own redirect endpoint (a native app's loopback listener): records what the browser brings back. */
export async function startCallbackServer(): Promise<{
  url: string;
  received: URLSearchParams[];
  close(): Promise<void>;
}> {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    // The browser also asks for /favicon.ico.
    if (url.pathname === "/callback") received.push(url.searchParams);
    res
      .writeHead(200, { "content-type": "text/html" })
      .end("<p data-testid='client-callback'>You can return to the app.</p>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The MCP SDK's OAuthClientProvider contract, kept in memory; `opened` is the authorization URL the SDK asked to open. */
export class InMemoryProvider implements OAuthClientProvider {
  opened: URL | null = null;
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = "";
  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    readonly clientMetadataUrl?: string,
  ) {}
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.opened = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "client") this.info = undefined;
  }
}
