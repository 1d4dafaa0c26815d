import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import type { ToolStatus } from "@/lib/db/generated/sqlite/enums";

const VARIANT: Record<ToolStatus, BadgeVariant> = {
  pending: "warning",
  approved: "success",
  rejected: "danger",
  removed: "neutral",
};

/** Where a tool stands: only `approved` tools can be granted. A changed definition says so in words. */
export function ToolStatusBadge({
  status,
  definitionChanged = false,
}: {
  status: ToolStatus;
  definitionChanged?: boolean;
}) {
  if (definitionChanged) {
    return (
      <span className="inline-flex flex-wrap items-center gap-1" data-testid="definition-changed">
        <StatusBadge variant="danger">definition changed</StatusBadge>
        <span className="text-xs text-muted-foreground">pending re-approval</span>
      </span>
    );
  }
  return <StatusBadge variant={VARIANT[status]}>{status}</StatusBadge>;
}
