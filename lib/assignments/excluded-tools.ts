import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";

/** The stored Json column as a list of tool ids (null and anything malformed: none). */
export function excludedToolIdsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * Checks that a grant's exclusions are tools of its entitlement and that at
 * least one approved tool is left: a grant that excludes everything it gives
 * grants nothing and should be ended instead.
 */
export async function requireValidExclusions(
  tx: Tx,
  entitlementId: string,
  excludedToolIds: readonly string[],
): Promise<void> {
  if (excludedToolIds.length === 0) return;
  const tools = await tx.entitlementTool.findMany({
    where: { entitlementId },
    select: { toolId: true, tool: { select: { status: true } } },
  });
  const ofEntitlement = new Set(tools.map((t) => t.toolId));
  if (excludedToolIds.some((id) => !ofEntitlement.has(id))) {
    throw new DomainError("invalid", "Only tools of this entitlement can be excluded from it", "excludedToolIds");
  }
  const excluded = new Set(excludedToolIds);
  if (!tools.some((t) => t.tool.status === "approved" && !excluded.has(t.toolId))) {
    throw new DomainError(
      "invalid",
      "This excludes every approved tool of the entitlement, so it would grant nothing; end the assignment instead",
      "excludedToolIds",
    );
  }
}
