/**
 * CAEP (OpenID Continuous Access Evaluation Profile 1.0) event shapes, carried
 * in RFC 8417 Security Event Tokens under the Shared Signals Framework 1.0.
 */
export const CAEP_SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
/** RFC 8417 §2.3: explicit typing so a SET can never pass for another JWT. */
export const SET_TYP = "secevent+jwt";
/** RFC 8935 push delivery. */
export const PUSH_DELIVERY_METHOD = "urn:ietf:rfc:8935";

export interface SessionRevokedInput {
  sessionId: string;
  agentClientId: string;
  userEmail: string | null;
  reason: string;
  at: Date;
}

/** SSF subject identifiers (RFC 9493): a complex subject naming the session, the agent (client) and the person. */
function subjectOf(i: SessionRevokedInput): Record<string, unknown> {
  return {
    format: "complex",
    session: { format: "opaque", id: i.sessionId },
    application: { format: "opaque", id: i.agentClientId },
    ...(i.userEmail ? { user: { format: "email", email: i.userEmail } } : {}),
  };
}

/**
 * The claims of a session-revoked SET, without `iss`, `iat` and `aud`, which
 * are set when the token is signed for delivery.
 */
export function sessionRevokedClaims(i: SessionRevokedInput, jti: string): Record<string, unknown> {
  return {
    jti,
    sub_id: subjectOf(i),
    events: {
      [CAEP_SESSION_REVOKED]: {
        event_timestamp: Math.floor(i.at.getTime() / 1000),
        initiating_entity: "admin",
        reason_admin: { en: i.reason },
      },
    },
  };
}
