import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { RefusalThrottle } from "@/lib/oauth/refusal-throttle";

export interface AuthorizationRefusal {
  error: string;
  description: string;
  clientId: string | null;
  agent: { id: string; name: string } | null;
  userId?: string | null;
  userEmail?: string | null;
  authorizationId?: string | null;
  clientAddress?: string | null;
  requestId?: string | null;
  occurredAt?: Date;
}

/** `authorization.refused`, in the caller's transaction. */
export async function recordAuthorizationRefusalIn(tx: Tx | Db, r: AuthorizationRefusal): Promise<void> {
  await recordAudit(tx, {
    action: "authorization.refused",
    actorType: r.userId ? "user" : r.agent ? "agent" : "system",
    actorId: r.userId ?? r.agent?.id ?? null,
    actorLabel: (r.userEmail ?? r.agent?.name ?? r.clientId ?? "unidentified client").slice(0, 300),
    onBehalfOfId: r.userId ?? null,
    targetType: r.authorizationId ? "authorization" : null,
    targetId: r.authorizationId ?? null,
    decision: "deny",
    reason: `${r.error}: ${r.description}`.slice(0, 1000),
    clientAddress: r.clientAddress ?? null,
    requestId: r.requestId ?? null,
    occurredAt: r.occurredAt,
    detail: {
      endpoint: "authorization",
      error: r.error,
      error_description: r.description,
      client_id: r.clientId?.slice(0, 300) ?? null,
      agent_id: r.agent?.id ?? null,
    },
  });
}

const throttles = new WeakMap<object, RefusalThrottle>();

/**
 * Records a refusal at the authorization endpoint. As at the token endpoint
 * (lib/oauth/refuse.ts), refusals that name no known client are bounded per
 * address: a stranger's junk requests cannot flood the trail.
 */
export async function recordAuthorizationRefusal(db: Db, r: AuthorizationRefusal): Promise<void> {
  if (!r.agent) {
    let throttle = throttles.get(db);
    if (!throttle) {
      throttle = new RefusalThrottle((s) => {
        void recordAuthorizationRefusalIn(db, {
          error: s.error,
          clientId: null,
          agent: null,
          clientAddress: s.clientAddress,
          description: `${s.count} further refusals (${s.error}) of unidentified clients ${s.clientAddress ? "from this address" : "from many addresses"} in the last ${s.windowSeconds}s, recorded as this one event`,
        }).catch((e: unknown) => console.error("mandate: could not record suppressed authorization refusals", e));
      });
      throttles.set(db, throttle);
    }
    if (!throttle.admit(r.clientAddress ?? null, r.error)) return;
  }
  try {
    await db.$transaction((tx) => recordAuthorizationRefusalIn(tx, r));
  } catch (e) {
    console.error("mandate: could not record an authorization refusal", e);
  }
}
