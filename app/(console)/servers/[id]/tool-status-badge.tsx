import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import type { ToolStatus } from "@/lib/db/generated/sqlite/enums";

const VARIANT: Record<ToolStatus, BadgeVariant> = { pending: "warning", approved: "success", rejected: "danger", removed: "neutral" };

/** Where a tool stands: only `approved` tools can be granted. */
export function ToolStatusBadge({ status }: { status: ToolStatus }) {
  return <StatusBadge variant={VARIANT[status]}>{status}</StatusBadge>;
}
