import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";

const CAMPAIGN: Record<string, BadgeVariant> = {
  draft: "neutral",
  launching: "warning",
  active: "read",
  closed: "muted",
};
const DECISION: Record<string, BadgeVariant> = {
  pending: "neutral",
  certified: "success",
  revoked: "danger",
  reduced: "warning",
};
const REMEDIATION: Record<string, BadgeVariant> = {
  none: "muted",
  pending: "warning",
  done: "success",
  failed: "danger",
};

export function CampaignStatusBadge({ status }: { status: string }) {
  return <StatusBadge variant={CAMPAIGN[status] ?? "neutral"}>{status}</StatusBadge>;
}
export function DecisionBadge({ status }: { status: string }) {
  return <StatusBadge variant={DECISION[status] ?? "neutral"}>{status}</StatusBadge>;
}
export function RemediationBadge({ status }: { status: string }) {
  return (
    <StatusBadge variant={REMEDIATION[status] ?? "neutral"}>{status === "none" ? "no action" : status}</StatusBadge>
  );
}
