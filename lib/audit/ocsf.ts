import type { AuditEventRecord } from "./event-query";

/**
 * An audit event as an OCSF 1.3 "API Activity" event (class 6003, category 6
 * Application Activity): every Mandate event is a call on its API surface —
 * a mint, a tool call, a console change. Fields without an OCSF attribute go
 * to `unmapped` under their Mandate names, with the chain's hashes.
 */
export const OCSF_VERSION = "1.3.0";
const CLASS_UID = 6003;
const CATEGORY_UID = 6;

/** OCSF API Activity activity_id: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. */
function activityOf(action: string): { id: number; name: string } {
  const verb = action.slice(action.indexOf(".") + 1);
  if (/^(created|registered|minted|launched|provisioned|bootstrapped|seeded|granted)$/.test(verb))
    return { id: 1, name: "Create" };
  if (/^(introspected|called|sign_in)$/.test(verb)) return { id: 2, name: "Read" };
  if (
    /^(updated|rotated|synced|tools_synced|approved|rejected|suspended|reactivated|decided|remediated|applied|activated|changed|secret_rotated|group_changed)$/.test(
      verb,
    )
  )
    return { id: 3, name: "Update" };
  if (/^(deleted|revoked|retired|ended|removed|expired|deactivated|closed|retention_purged|purged)$/.test(verb))
    return { id: 4, name: "Delete" };
  return { id: 99, name: "Other" };
}

/** OCSF user.type_id: 1 User, 3 System, 99 Other (agents and API keys). */
function userOf(e: AuditEventRecord) {
  const type = {
    user: { id: 1, name: "User" },
    system: { id: 3, name: "System" },
    agent: { id: 99, name: "Agent" },
    apikey: { id: 99, name: "API key" },
  }[e.actorType];
  return { uid: e.actorId ?? undefined, name: e.actorLabel ?? undefined, type_id: type.id, type: type.name };
}

export function toOcsf(e: AuditEventRecord, product: { version: string }) {
  const activity = activityOf(e.action);
  const failed = e.decision === "deny";
  return {
    class_uid: CLASS_UID,
    class_name: "API Activity",
    category_uid: CATEGORY_UID,
    category_name: "Application Activity",
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: CLASS_UID * 100 + activity.id,
    time: e.occurredAt.getTime(),
    severity_id: failed ? 3 : 1,
    severity: failed ? "Medium" : "Informational",
    status_id: failed ? 2 : e.decision === "allow" ? 1 : 99,
    status: failed ? "Failure" : e.decision === "allow" ? "Success" : "Other",
    status_detail: e.reason ?? undefined,
    message: `${e.action}${e.targetLabel ? ` ${e.targetLabel}` : ""}`,
    metadata: {
      version: OCSF_VERSION,
      uid: e.id,
      event_code: e.action,
      log_name: `audit/${e.stream}`,
      sequence: e.seq,
      product: { name: "Mandate", vendor_name: "Mandate", version: product.version },
    },
    actor: {
      user: userOf(e),
      session: e.sessionId ? { uid: e.sessionId } : undefined,
    },
    api: { operation: e.action, request: e.requestId ? { uid: e.requestId } : undefined },
    src_endpoint: e.clientAddress ? { ip: e.clientAddress } : undefined,
    resources:
      e.targetId || e.targetLabel
        ? [{ uid: e.targetId ?? undefined, type: e.targetType ?? undefined, name: e.targetLabel ?? undefined }]
        : undefined,
    unmapped: {
      on_behalf_of: e.onBehalfOfId ?? undefined,
      agent_id: e.agentId ?? undefined,
      person_id: e.personId ?? undefined,
      server_id: e.serverId ?? undefined,
      decision: e.decision,
      detail: e.detail ?? undefined,
      stream: e.stream,
      prev_hash: e.prevHash,
      hash: e.hash,
    },
  };
}
