/** The kinds of enforcement point a drill measures. */
export type DrillPointKind =
  /** One Mandate instance's gateway, probed at its own address. */
  | "gateway_instance"
  /** Mandate's token introspection (RFC 7662), as a natively enforcing server that introspects sees it. */
  | "introspection"
  /** A native server's CAEP receiver: the session-revoked SET delivered and acknowledged (RFC 8935: 202). */
  | "caep_receiver"
  /** The native server itself, called with the revoked canary. */
  | "native_probe"
  /** A native server that only checks Mandate's JWT signature: nothing revokes the token before it expires. */
  | "token_expiry";

/** What one enforcement point did with the revoked canary. */
export interface DrillPoint {
  kind: DrillPointKind;
  /** Human label: "gateway instance 3f2a… at http://10.0.0.4:3000". */
  label: string;
  instanceId?: string;
  receiverId?: string;
  /** Refused (or acknowledged) within the target. */
  ok: boolean;
  /** Milliseconds from the revocation request to the refusal; null when none was seen. */
  ms: number | null;
  /** Why, in words (what was seen, or what is missing). */
  detail: string;
}

export type DrillOutcome = "passed" | "failed";

export interface DrillReport {
  id: string;
  serverId: string | null;
  serverName: string;
  enforcementPath: string;
  trigger: string;
  requestedBy: string | null;
  startedAt: Date;
  revokedAt: Date | null;
  finishedAt: Date;
  targetMs: number;
  outcome: DrillOutcome;
  slowestMs: number | null;
  reason: string;
  results: DrillPoint[];
}
