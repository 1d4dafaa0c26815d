import type { OAuthContext } from "@/lib/oauth/context";
import type { CatalogServer } from "@/lib/entitlements/entitlement-catalog";
import { mintClientCredentialsToken } from "@/lib/oauth/grants/client-credentials";
import { DomainError } from "@/lib/errors/domain-error";
import { ensureDrillAgent } from "./drill-agent";

export interface Canary {
  token: string;
  sessionId: string;
  jti: string;
  expiresAt: Date;
  agentId: string;
}

/**
 * A canary access token for `server`, minted for the drill agent by the
 * client_credentials grant's own recording and signing
 * (mintClientCredentialsToken): a session, an IssuedToken row and
 * `token.minted`, exactly as an agent's token. The grant is the narrowest
 * possible: no scope and no tools in its authorization_details, so it can
 * list tools (and sees none) but call nothing.
 */
export async function mintCanary(ctx: OAuthContext, server: CatalogServer, now = new Date()): Promise<Canary> {
  const agent = await ensureDrillAgent(ctx.db);
  if (agent.status !== "active")
    throw new DomainError("conflict", `The drill agent is ${agent.status}: reactivate it to run drills`);
  const minted = await mintClientCredentialsToken(
    {
      ctx,
      agent,
      now,
      claims: [],
      form: new Map(),
      req: { headers: {}, readBody: async () => Buffer.alloc(0), clientAddress: null, requestId: null },
    },
    {
      server,
      scopes: [],
      tools: [],
      maxSessionSeconds: agent.maxTokenLifetimeSeconds,
      reauthIntervalSeconds: null,
      until: null,
      risk: "read",
    },
  );
  return {
    token: minted.response.access_token,
    sessionId: minted.sessionId,
    jti: minted.jti,
    expiresAt: minted.expiresAt,
    agentId: agent.id,
  };
}
