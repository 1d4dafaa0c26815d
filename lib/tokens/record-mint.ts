import type { AuditInput } from "@/lib/audit/record";
import type { GrantDecision } from "./grant-policy";

export interface MintInput {
  agent: { id: string; clientId: string; name: string };
  user: { id: string; email: string } | null;
  decision: GrantDecision;
  grantType: string;
  kind: "access_token" | "id_jag";
  jti: string;
  audience: string;
  /** Lifetime the caller wants; capped here by the session's end. */
  lifetimeSeconds: number;
  authTime: Date | null;
  /**
   * A refresh token issued with the access token, in the same session
   * (interactive clients): `jti` is the sha256 of the opaque token. It lasts
   * as long as the session, and no longer than its re-authentication is due.
   */
  refreshToken?: { jti: string } | null;
  now: Date;
  clientAddress?: string | null;
  requestId?: string | null;
}

export interface MintRecord {
  sessionId: string;
  expiresAt: Date;
  /** Set when a refresh token was issued with it. */
  refreshExpiresAt?: Date;
}

/** Why the token was minted, in words, for grants whose token.minted says more than the grant type. */
const MINT_REASONS: Record<string, string> = {
  authorization_code: "Authorization code redeemed",
  refresh_token: "Refresh token redeemed and rotated",
};

/** The `token.minted` event of one mint. */
export function mintAuditInput(m: MintInput, sessionId: string, expiresAt: Date, refreshExpiresAt?: Date): AuditInput {
  const { decision } = m;
  return {
    ...(MINT_REASONS[m.grantType] ? { reason: MINT_REASONS[m.grantType] } : {}),
    action: "token.minted",
    actorType: "agent",
    actorId: m.agent.id,
    actorLabel: m.agent.name,
    onBehalfOfId: m.user?.id ?? null,
    targetType: "mcp_server",
    targetId: decision.server.id,
    targetLabel: decision.server.name,
    decision: "allow",
    sessionId,
    clientAddress: m.clientAddress ?? null,
    requestId: m.requestId ?? null,
    occurredAt: m.now,
    detail: {
      grant_type: m.grantType,
      kind: m.kind,
      jti: m.jti,
      client_id: m.agent.clientId,
      audience: m.audience,
      scope: decision.scopes.join(" "),
      tools: decision.tools.map((t) => t.name),
      expires_at: expiresAt.toISOString(),
      ...(refreshExpiresAt ? { refresh_token_expires_at: refreshExpiresAt.toISOString() } : {}),
    },
  };
}
