import { randomUUID } from "node:crypto";
import type { OAuthContext } from "@/lib/oauth/context";
import { recordToolDefinitionChange } from "@/lib/servers/record-definition-change";
import { CallAuditWriter } from "./call-audit";
import { GatewayDirectory } from "./directory";
import { McpSessionBinding } from "./mcp-session-binding";
import { ToolDefinitionWatch } from "./tool-definition-watch";
import { OpenStreams } from "./open-streams";
import { RevocationState } from "./revocation-state";
import { gatewaySettings, type GatewaySettings } from "./settings";
import { TokenVerifier } from "./token-verifier";

/**
 * Everything the gateway keeps in memory for one process: server
 * configuration, verified tokens, revocations, and the pending audit writes.
 * The HTTP layer (server/gateway-routes.ts) asks it; it knows nothing of HTTP.
 */
export class Gateway {
  readonly settings: GatewaySettings;
  readonly directory: GatewayDirectory;
  readonly tokens: TokenVerifier;
  readonly revocations: RevocationState;
  readonly audit: CallAuditWriter;
  /** Approved tools held to their approved definition as tools/list answers are relayed. */
  readonly definitions: ToolDefinitionWatch;
  /** Streams being relayed, closed when their session or token is revoked. */
  readonly streams = new OpenStreams();
  /** Mcp-Session-Id values bound to the agent session that opened them (stateless, the same on every instance). */
  readonly mcpSessions = new McpSessionBinding();
  /**
   * This process among the instances sharing one store: random per start, sent as `Mandate-Instance` on gateway
   * answers and registered by its heartbeat (instances.ts), so a revocation drill knows which instance refused.
   */
  readonly instanceId = randomUUID();

  constructor(
    readonly ctx: OAuthContext,
    settings: Partial<GatewaySettings> = {},
  ) {
    this.settings = { ...gatewaySettings(), ...settings };
    this.directory = new GatewayDirectory(ctx.db, this.settings.directoryTtlMs);
    // The issuer is read per use: tests learn it only once the port is known.
    this.tokens = new TokenVerifier(ctx.keys, () => ctx.issuer, this.settings.tokenCacheMs);
    this.revocations = new RevocationState(ctx.db, this.settings);
    this.revocations.onNewRevocation((r) => this.streams.revoke(r));
    this.definitions = new ToolDefinitionWatch((toolId, observed) =>
      recordToolDefinitionChange(ctx.db, toolId, observed, { kind: "gateway" }),
    );
    this.audit = new CallAuditWriter(ctx.db, {
      flushMs: this.settings.auditFlushMs,
      batchSize: this.settings.auditBatchSize,
      maxBacklog: this.settings.auditMaxBacklog,
    });
  }

  /** Loads the revocation state; until it has, every request is refused (fail closed). */
  start(): Promise<void> {
    return this.revocations.start();
  }

  /** Stops refreshing and writes the pending audit events. */
  async stop(): Promise<void> {
    this.revocations.stop();
    await this.audit.flush();
  }

  /** The public origin clients reach Mandate at: the issuer (gateway endpoints live beside the token service). */
  get publicBase(): string {
    return this.ctx.issuer;
  }
}
