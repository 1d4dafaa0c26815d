/** Who is calling through the gateway, as read from a verified access token. */
export interface GatewayCaller {
  /** The agent's OAuth client_id. */
  clientId: string;
  /** The person the agent acts for (`sub` of a delegated token, which carries `act`); null for autonomous agents. */
  userSubject: string | null;
  sessionId: string;
  jti: string;
  audience: string;
  scopes: ReadonlySet<string>;
  /**
   * The tools this token may call: the actions of its RFC 9396 authorization_details for this audience
   * (lib/oauth/authorization-details.ts), built once per verified token. Empty for a token without them.
   */
  tools: ReadonlySet<string>;
  expiresAtMs: number;
}
