import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { highestRisk, type Risk } from "./effective-access";

export interface GrantableTool {
  id: string;
  name: string;
  scope: string;
  risk: Risk;
}

/**
 * An entitlement bundles tools of ONE server, all approved: a pending tool has
 * not been reviewed, a rejected one was refused, and a tool of another server
 * could never be used with a token minted for this one.
 */
export async function requireGrantableTools(
  tx: Tx,
  serverId: string,
  toolIds: readonly string[],
): Promise<{ tools: GrantableTool[]; risk: Risk }> {
  const unique = [...new Set(toolIds)];
  const tools = await tx.tool.findMany({
    where: { id: { in: unique } },
    select: { id: true, name: true, scope: true, risk: true, status: true, serverId: true },
  });
  if (tools.length !== unique.length)
    throw new DomainError("not_found", "Some of the chosen tools do not exist", "toolIds");
  const elsewhere = tools.filter((t) => t.serverId !== serverId);
  if (elsewhere.length > 0) {
    throw new DomainError(
      "invalid",
      `Tools must all belong to the entitlement's server: ${elsewhere.map((t) => t.name).join(", ")} do not`,
      "toolIds",
    );
  }
  const unapproved = tools.filter((t) => t.status !== "approved");
  if (unapproved.length > 0) {
    throw new DomainError(
      "invalid",
      `Only approved tools can be granted: ${unapproved.map((t) => `${t.name} (${t.status})`).join(", ")}`,
      "toolIds",
    );
  }
  const grantable = tools
    .map((t) => ({ id: t.id, name: t.name, scope: t.scope, risk: t.risk as Risk }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { tools: grantable, risk: highestRisk(grantable) ?? "read" };
}
