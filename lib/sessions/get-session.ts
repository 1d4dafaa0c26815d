import type { Db } from "@/lib/db/client";
import {
  effectiveAccessOfAgent,
  effectiveAccessOnBehalfOf,
  type ReachableTool,
} from "@/lib/entitlements/effective-access";
import { DomainError } from "@/lib/errors/domain-error";

const RECENT_CALLS = 100;

export interface SessionAuditEntry {
  id: string;
  action: string;
  occurredAt: Date;
  actorLabel: string | null;
  decision: string;
  reason: string | null;
  targetLabel: string | null;
  detail: unknown;
}

export interface SessionDetail {
  session: {
    id: string;
    status: string;
    grantType: string;
    scopes: string[];
    risk: string;
    createdAt: Date;
    lastUsedAt: Date;
    expiresAt: Date;
    authTime: Date | null;
    reauthDueAt: Date | null;
    tokenCount: number;
    toolCallCount: number;
    revokedAt: Date | null;
    revokedBy: string | null;
    revokedReason: string | null;
    agent: { id: string; name: string; clientId: string; status: string };
    user: { id: string; displayName: string; email: string } | null;
    server: { id: string; name: string; resourceUri: string };
  };
  tokens: {
    id: string;
    jti: string;
    kind: string;
    scopes: string;
    issuedAt: Date;
    expiresAt: Date;
    revokedAt: Date | null;
  }[];
  /** Newest first, from the audit trail. */
  toolCalls: SessionAuditEntry[];
  /** Mints and revocations: who authorized what, and who ended it. */
  authorizations: SessionAuditEntry[];
  /** What the agent (for this person) can reach right now: everything this session's tokens could be widened to, on every server. */
  blastRadius: ReachableTool[];
  /**
   * The tools this session's tokens grant (their RFC 9396 authorization_details; AgentSession.toolIds): exactly
   * what the gateway lets it call on its server, by name. Empty for a session minted before tools were recorded.
   */
  grantedTools: { id: string; name: string; scope: string; status: string }[];
}

const auditSelect = {
  id: true,
  action: true,
  occurredAt: true,
  actorLabel: true,
  decision: true,
  reason: true,
  targetLabel: true,
  detail: true,
} as const;

/** One session with its tokens, its tool calls, its blast radius and its authorization history. */
export async function getSessionDetail(db: Db, sessionId: string, now = new Date()): Promise<SessionDetail> {
  const s = await db.agentSession.findUnique({
    where: { id: sessionId },
    include: {
      agent: { select: { id: true, name: true, clientId: true, status: true } },
      user: { select: { id: true, displayName: true, email: true } },
      server: { select: { id: true, name: true, resourceUri: true } },
    },
  });
  if (!s) throw new DomainError("not_found", "No such session");
  const grantedIds = s.toolIds.split(" ").filter(Boolean);
  const [tokens, toolCalls, authorizations, access, granted] = await Promise.all([
    db.issuedToken.findMany({
      where: { sessionId },
      orderBy: { issuedAt: "desc" },
      take: 200,
      select: { id: true, jti: true, kind: true, scopes: true, issuedAt: true, expiresAt: true, revokedAt: true },
    }),
    db.auditEvent.findMany({
      where: { sessionId, action: { in: ["tool.called", "tool.call_refused", "tool.call_failed"] } },
      orderBy: { occurredAt: "desc" },
      take: RECENT_CALLS,
      select: auditSelect,
    }),
    db.auditEvent.findMany({
      where: { sessionId, action: { in: ["token.minted", "session.revoked", "session.expired", "token.revoked"] } },
      orderBy: { occurredAt: "asc" },
      take: 200,
      select: auditSelect,
    }),
    s.userId ? effectiveAccessOnBehalfOf(db, s.agentId, s.userId, now) : effectiveAccessOfAgent(db, s.agentId, now),
    grantedIds.length > 0
      ? db.tool.findMany({
          where: { id: { in: grantedIds } },
          orderBy: { name: "asc" },
          select: { id: true, name: true, scope: true, status: true },
        })
      : [],
  ]);
  return {
    session: {
      ...s,
      scopes: s.scopes.split(" ").filter(Boolean),
      status: s.status === "active" && s.expiresAt <= now ? "expired" : s.status,
    },
    tokens,
    toolCalls,
    authorizations,
    blastRadius: access.tools,
    grantedTools: granted,
  };
}
