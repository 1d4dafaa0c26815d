import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { highestRisk, type Risk } from "./effective-access";

/** An entitlement with its tools, as the audit trail records it before and after a change. */
export async function entitlementSnapshot(tx: Tx, entitlementId: string) {
  const e = await tx.entitlement.findUnique({
    where: { id: entitlementId },
    include: { tools: { select: { tool: { select: { id: true, name: true, risk: true } } } } },
  });
  if (!e) throw new DomainError("not_found", "No such entitlement");
  const tools = e.tools.map((t) => t.tool).sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: e.name,
    description: e.description,
    serverId: e.serverId,
    maxSessionSeconds: e.maxSessionSeconds,
    reauthIntervalSeconds: e.reauthIntervalSeconds,
    toolIds: tools.map((t) => t.id),
    tools: tools.map((t) => t.name),
    risk: highestRisk(tools.map((t) => ({ risk: t.risk as Risk }))),
  };
}
