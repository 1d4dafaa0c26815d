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
  "agent.registered",
  "agent.updated",
  "agent.suspended",
  "agent.reactivated",
  "agent.retired",
  "agent.secret_rotated",
  "entitlement.created",
  "entitlement.updated",
  "entitlement.deleted",
  "assignment.created",
  "assignment.updated",
  "assignment.ended",
  "policy.applied",
  // token service
  "token.minted",
  "token.refused",
  "token.introspected",
  "token.revoked",
  "key.created",
  "key.activated",
  "key.retired",
  // gateway
  "tool.called",
  "tool.call_refused",
  // sessions
  "session.revoked",
  "session.expired",
  // security event receivers (SSF push)
  "event_receiver.created",
  "event_receiver.deleted",
  // reviews
  "review.campaign_launched",
  "review.decided",
  "review.remediated",
  "review.campaign_closed",
  // directory
  "directory.user_provisioned",
  "directory.user_deactivated",
  "directory.group_changed",
  // system
  "system.seeded",
  "audit.retention_purged",
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** The hash-chain stream an action is written to: writers of different areas never contend. */
export function streamOf(action: AuditAction): string {
  const area = action.slice(0, action.indexOf("."));
  switch (area) {
    case "token":
    case "key":
      return "token";
    case "tool":
      return action === "tool.called" || action === "tool.call_refused" ? "gateway" : "admin";
    case "session":
      return "session";
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
