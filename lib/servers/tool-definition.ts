import { toolDefinitionHash } from "./tool-definition-hash";

/** What an approval pins and a change is shown against: what steers the model and what the tool accepts. */
export type ToolDefinition = { title: string | null; description: string | null; inputSchema: unknown };

/** The definition a stored tool row holds. */
export function definitionOf(tool: {
  title: string | null;
  description: string | null;
  inputSchema: unknown;
}): ToolDefinition {
  return { title: tool.title, description: tool.description, inputSchema: tool.inputSchema ?? null };
}

/**
 * The hash the gateway holds an approved tool to: the one pinned at approval,
 * or — for a tool approved before pinning existed — the hash of the
 * definition on record, recomputed (never trusted from `definitionHash`,
 * which older seeds computed differently). A tool approved without any
 * definition (declared by a policy file) pins that absence: whatever the
 * server lists differs and waits for an admin, as a sync does.
 */
export function pinnedDefinitionHash(tool: {
  name: string;
  description: string | null;
  inputSchema: unknown;
  approvedDefinitionHash: string | null;
}): string {
  return tool.approvedDefinitionHash ?? toolDefinitionHash(tool);
}
