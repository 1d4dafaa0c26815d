import { recordAudit, type AuditInput } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";

export interface Refusal {
  endpoint: "token" | "introspection" | "revocation";
  error: string;
  description: string;
  grantType?: string | null;
  clientId?: string | null;
  agent?: { id: string; name: string } | null;
  clientAddress?: string | null;
  requestId?: string | null;
  /** An RFC 8707 resource asked for that is not a registered MCP server (an unmanaged server, on the coverage map). */
  unregisteredResource?: string;
}

/** `token.refused`, in its own transaction: a refusal writes nothing but this event. */
export async function recordRefusal(db: Db, r: Refusal): Promise<void> {
  await db.$transaction((tx) => recordAudit(tx, refusalAuditInput(r)));
}

/** The `token.refused` event of one refusal. */
export function refusalAuditInput(r: Refusal, occurredAt?: Date): AuditInput {
  return {
    occurredAt,
    action: "token.refused",
    actorType: r.agent ? "agent" : "system",
    actorId: r.agent?.id ?? null,
    actorLabel: (r.agent?.name ?? r.clientId ?? "unidentified client").slice(0, 300),
    decision: "deny",
    reason: `${r.error}: ${r.description}`.slice(0, 1000),
    clientAddress: r.clientAddress ?? null,
    requestId: r.requestId ?? null,
    detail: {
      endpoint: r.endpoint,
      error: r.error,
      error_description: r.description,
      grant_type: r.grantType ?? null,
      client_id: r.clientId?.slice(0, 300) ?? null,
      ...(r.unregisteredResource ? { unregistered_resource: r.unregisteredResource } : {}),
    },
  };
}
