import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import {
  effectiveAccessOfAgents,
  effectiveAccessOfUsers,
  type EffectiveAccess,
} from "@/lib/entitlements/effective-access";
import {
  revokeLiveSessionsIn,
  type RevocationOperation,
  type RevokedSession,
  type Revoker,
} from "./revoke-live-sessions";

/**
 * Which live sessions an access change may have cut, and (when known) which
 * tools they may have lost: sessions holding none of `tools` cannot have lost
 * anything and are not recomputed.
 */
export interface AffectedSessions {
  sessions: Prisma.AgentSessionWhereInput;
  /** Ids of the tools the change may have removed; omitted: any. */
  tools?: readonly string[];
}

export interface ReconcileOptions {
  reason: string;
  now: Date;
  operation: RevocationOperation;
}

/** Principals recomputed per query: bounded, so a change touching thousands of sessions is a handful of queries. */
const PRINCIPALS_PER_READ = 2000;
/** Past this many tools, the pre-filter in SQL is left out (the exact check below still runs). */
const TOOLS_IN_SQL = 100;

/** The live sessions reached through a grant held by this principal (a group: through its members). */
export function sessionsOfHolder(
  principalType: "agent" | "user" | "group",
  principalId: string,
): Prisma.AgentSessionWhereInput {
  if (principalType === "agent") return { agentId: principalId };
  if (principalType === "user") return { userId: principalId };
  return { user: { memberships: { some: { groupId: principalId } } } };
}

const split = (list: string) => list.split(" ").filter(Boolean);

async function inChunks<K, V>(keys: readonly K[], read: (part: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
  const out = new Map<K, V>();
  for (let i = 0; i < keys.length; i += PRINCIPALS_PER_READ)
    for (const [k, v] of await read(keys.slice(i, i + PRINCIPALS_PER_READ))) out.set(k, v);
  return out;
}

const toolIdsOf = (access: EffectiveAccess | undefined): Set<string> => new Set(access?.tools.map((t) => t.toolId));

/** Scopes reachable on one server (sessions recorded before tools were: compared by scope, as they were granted). */
const scopesOn = (access: EffectiveAccess | undefined, serverId: string): Set<string> =>
  new Set(access?.tools.filter((t) => t.serverId === serverId).map((t) => t.scope));

/**
 * The one reconciliation of live sessions with access, inside the caller's
 * transaction, after it removed access: each affected live session's granted
 * tools (AgentSession.toolIds, what its tokens carry) are compared with the
 * effective access recomputed now — by the same functions the token endpoint
 * mints from, for an agent on its own or intersected with the person's — and
 * every session that lost any tool is revoked through the one revocation path
 * (revokeLiveSessionsIn: tokens, audit naming `operation`, the revocation log,
 * NOTIFY, CAEP). Sessions that lost nothing keep working. Revoking the whole
 * session is deliberate: its agent mints again and gets what remains.
 *
 * Recomputed in batches: one read per 2,000 agents and per 2,000 people,
 * whatever the number of sessions. Inside `revokingTransaction` (or `x`
 * functions that open one) the revoked sessions are announced on this
 * process's bus after commit; inside `deferReconciliation` the work waits for
 * the caller's flush.
 */
export async function reconcileLiveSessionsIn(
  tx: Tx,
  actor: Revoker,
  affected: AffectedSessions,
  opts: ReconcileOptions,
): Promise<RevokedSession[]> {
  const deferred = deferredOf.get(tx);
  if (deferred) {
    deferred.push(affected);
    return [];
  }
  const { now } = opts;
  const tools = affected.tools ? [...new Set(affected.tools)] : null;
  if (tools && tools.length === 0) return [];
  const holding: Prisma.AgentSessionWhereInput[] =
    tools && tools.length <= TOOLS_IN_SQL
      ? [{ OR: [{ toolIds: "" }, ...tools.map((id) => ({ toolIds: { contains: id } }))] }]
      : [];
  const live = await tx.agentSession.findMany({
    where: { AND: [affected.sessions, { status: "active", expiresAt: { gt: now } }, ...holding] },
    select: { id: true, agentId: true, userId: true, serverId: true, scopes: true, toolIds: true },
  });
  const suspect = tools ? new Set(tools) : null;
  // A session none of whose tools was touched cannot have lost one (contains() above is only a pre-filter).
  const candidates = live.filter((s) => s.toolIds === "" || !suspect || split(s.toolIds).some((id) => suspect.has(id)));
  if (candidates.length === 0) return [];

  const agentIds = [...new Set(candidates.map((s) => s.agentId))];
  const userIds = [...new Set(candidates.flatMap((s) => (s.userId ? [s.userId] : [])))];
  const agents = await inChunks(agentIds, (part) => effectiveAccessOfAgents(tx, now, part));
  const users = await inChunks(userIds, (part) => effectiveAccessOfUsers(tx, part, now));
  const reachable = new Map<string, Set<string>>();
  const reach = (key: string, access: EffectiveAccess | undefined) => {
    let set = reachable.get(key);
    if (!set) reachable.set(key, (set = toolIdsOf(access)));
    return set;
  };

  const losing: string[] = [];
  for (const s of candidates) {
    const granted = split(s.toolIds);
    if (granted.length > 0) {
      // An agent acting for a person reaches only what both reach (effectiveAccessOnBehalfOf).
      const byAgent = reach(`a:${s.agentId}`, agents.get(s.agentId));
      const byUser = s.userId ? reach(`u:${s.userId}`, users.get(s.userId)) : null;
      if (granted.some((id) => !byAgent.has(id) || (byUser !== null && !byUser.has(id)))) losing.push(s.id);
    } else {
      const byAgent = scopesOn(agents.get(s.agentId), s.serverId);
      const byUser = s.userId ? scopesOn(users.get(s.userId), s.serverId) : null;
      if (split(s.scopes).some((scope) => !byAgent.has(scope) || (byUser !== null && !byUser.has(scope))))
        losing.push(s.id);
    }
  }
  if (losing.length === 0) return [];
  return revokeLiveSessionsIn(tx, actor, { id: { in: losing } }, opts);
}

// Transactions whose reconciliations wait for one flush (a policy file: a grant ended and granted again
// in the same file is no loss).
const deferredOf = new WeakMap<Tx, AffectedSessions[]>();

/**
 * Runs `fn` with every reconciliation it asks for held back, then reconciles
 * once over all of them, as of the end of `fn` — for callers making many
 * changes in one transaction whose net effect is what counts. Nothing is
 * reconciled when `fn` throws.
 */
export async function deferReconciliation<T>(
  tx: Tx,
  fn: () => Promise<T>,
  flush: ({ actor: Revoker } & ReconcileOptions) | null,
): Promise<{ result: T; revoked: RevokedSession[] }> {
  const pending: AffectedSessions[] = [];
  deferredOf.set(tx, pending);
  let result: T;
  try {
    result = await fn();
  } finally {
    deferredOf.delete(tx);
  }
  if (!flush || pending.length === 0) return { result, revoked: [] };
  const anyTool = pending.some((p) => !p.tools);
  const merged: AffectedSessions = {
    sessions: pending.length === 1 ? pending[0]!.sessions : { OR: pending.map((p) => p.sessions) },
    ...(anyTool ? {} : { tools: pending.flatMap((p) => [...(p.tools ?? [])]) }),
  };
  const { actor, ...opts } = flush;
  return { result, revoked: await reconcileLiveSessionsIn(tx, actor, merged, opts) };
}
