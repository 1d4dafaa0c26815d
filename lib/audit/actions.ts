import { z } from "zod";

/**
 * Every kind of event the audit trail records. One list, so a typo cannot
 * create a new kind of event and investigators can filter on a known set.
 */
export const AUDIT_ACTIONS = [
  // console access
  "console.sign_in",
  "console.sign_in_failed",
  "console.sign_out",
  "console.role_granted",
  "console.role_removed",
  /** The repo CLI's `create-admin`: a person given a password and the admin role outside the console. */
  "console.admin_bootstrapped",
  "apikey.created",
  "apikey.rotated",
  "apikey.revoked",
  // entitlement model
  "server.registered",
  "server.updated",
  "server.deleted",
  "server.tools_synced",
  "tool.approved",
  "tool.rejected",
  "tool.updated",
  /** An approved tool's definition changed upstream (seen by the gateway or a sync): approval withdrawn until re-approved. */
  "tool.definition_changed",
  "agent.registered",
  "agent.updated",
  "agent.suspended",
  "agent.reactivated",
  "agent.retired",
  "agent.secret_rotated",
  /** An interactive client pending approval was approved (by an admin, or by the auto-approval policy). */
  "agent.approved",
  /** Settings → Interactive clients: dynamic registration or the auto-approval list changed (before/after). */
  "agent.registration_policy_changed",
  "entitlement.created",
  "entitlement.updated",
  "entitlement.deleted",
  "assignment.created",
  "assignment.updated",
  "assignment.ended",
  /** A grant ended because its grantor came to benefit from it (separation of duties), flagged for admins. */
  "assignment.separation_conflict",
  /** An admin granted a flagged grant again (as a second person) or dismissed the flag. */
  "assignment.separation_conflict_resolved",
  "policy.applied",
  // token service
  "token.minted",
  "token.refused",
  "token.introspected",
  "token.revoked",
  /** A used authorization code or a rotated refresh token was presented again: its session was revoked. */
  "token.reuse_detected",
  "key.created",
  "key.activated",
  "key.retired",
  // interactive clients (authorization code flow in the person's browser)
  "authorization.requested",
  "authorization.signed_in",
  "authorization.code_issued",
  /** Refused in the browser: invalid request, unapproved client, no access, or the person declined. */
  "authorization.refused",
  // gateway
  /** Written before the call is forwarded: the gateway's decision to let it through. */
  "tool.called",
  "tool.call_refused",
  /** An allowed call the upstream did not carry out (unreachable, or an error status), with its status and latency. */
  "tool.call_failed",
  // sessions
  "session.revoked",
  "session.expired",
  // security event receivers (SSF push)
  "event_receiver.created",
  "event_receiver.deleted",
  // reviews
  "review.campaign_created",
  "review.campaign_launched",
  "review.decided",
  /** A reviewer took back their decision before the campaign closed: the item is pending again. */
  "review.decision_reset",
  /** A bulk or rapid certification of many high-risk items: the reviewer was warned and went on. */
  "review.rubber_stamp_warning",
  "review.reassigned",
  "review.reminder_sent",
  "review.escalated",
  "review.remediated",
  "review.campaign_closed",
  /** A one-item review opened by an event (owner left, grant unused, tool risk raised). */
  "review.micro_opened",
  // directory
  "directory.user_provisioned",
  "directory.user_deactivated",
  "directory.group_changed",
  "directory.user_updated",
  "directory.user_reactivated",
  /** Soft delete: the person is hidden from the directory, their history kept. */
  "directory.user_deleted",
  "directory.group_created",
  "directory.group_deleted",
  /** A SCIM request refused (bad credential, malformed payload or filter, conflict): nothing changed. */
  "directory.scim_refused",
  "directory.scim_token_created",
  "directory.scim_token_rotated",
  "directory.scim_token_revoked",
  // trusted issuers (Settings → Identity providers)
  "trusted_issuer.added",
  "trusted_issuer.updated",
  "trusted_issuer.removed",
  /** A delegated agent's client id at an enterprise IdP recorded (or removed): whose ID tokens it may exchange. */
  "trusted_issuer.agent_client_added",
  "trusted_issuer.agent_client_removed",
  /** A rule mapping a workload identity (issuer, sub, claims) to an autonomous agent added (or removed). */
  "trusted_issuer.workload_identity_added",
  "trusted_issuer.workload_identity_removed",
  /** The owner of an agent left: the agent is ownerless until reassigned (the hook point for a one-item review). */
  "agent.owner_departed",
  "agent.owner_reassigned",
  // revocation drills (lib/drills/run-drill.ts)
  /** Every enforcement point refused the revoked canary within the target. */
  "drill.passed",
  /** A point did not refuse it within the target (or could not be measured): an alert, decision deny, for a SIEM to page on. */
  "drill.failed",
  // system
  "system.seeded",
  "audit.retention_purged",
  /** Settings → Audit: the retention period changed (before/after). */
  "audit.retention_changed",
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** Every stream an action can be written to (the chains verify and retention walk). */
export function auditStreams(): string[] {
  return [...new Set(AUDIT_ACTIONS.map(streamOf))].sort();
}

/** The hash-chain stream an action is written to: writers of different areas never contend. */
export function streamOf(action: AuditAction): string {
  const area = action.slice(0, action.indexOf("."));
  switch (area) {
    case "token":
    case "key":
      return "token";
    case "tool":
      return action === "tool.called" || action === "tool.call_refused" || action === "tool.call_failed"
        ? "gateway"
        : "admin";
    case "session":
      return "session";
    case "authorization":
      return "authorization";
    case "console":
    case "apikey":
      return "console";
    case "review":
      return "review";
    case "directory":
      return "directory";
    default:
      return "admin";
  }
}
