import type { ToolRisk } from "@/lib/db/generated/sqlite/enums";

/**
 * The risk Mandate proposes for a newly discovered tool, from the server's own
 * MCP annotations. Annotations are hints from the server, not guarantees, so
 * this is only a starting point the admin reviews before approving: a tool
 * that says nothing is assumed to write, never merely to read.
 */
export function suggestedRisk(
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean } | undefined,
): ToolRisk {
  if (annotations?.readOnlyHint === true) return "read";
  if (annotations?.destructiveHint === true) return "destructive";
  return "write";
}
