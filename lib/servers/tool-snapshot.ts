import type { Tool } from "@/lib/db/generated/sqlite/client";

/** A tool as the audit trail records it (`detail.before` / `detail.after`). */
export type ToolSnapshot = {
  name: string;
  status: string;
  risk: string;
  scope: string;
  definitionHash: string | null;
  approvedDefinitionHash: string | null;
};

export function toolSnapshot(tool: Tool): ToolSnapshot {
  return {
    name: tool.name,
    status: tool.status,
    risk: tool.risk,
    scope: tool.scope,
    definitionHash: tool.definitionHash,
    approvedDefinitionHash: tool.approvedDefinitionHash,
  };
}
