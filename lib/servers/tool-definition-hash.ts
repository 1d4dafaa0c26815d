import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json";

/**
 * sha256 over what an agent relies on when it calls a tool: its name, its
 * description (which steers the model) and its input schema. A changed hash on
 * re-sync means the tool is no longer the one that was reviewed.
 */
export function toolDefinitionHash(tool: { name: string; description?: string | null; inputSchema?: unknown }): string {
  return createHash("sha256")
    .update(
      canonicalJson({ name: tool.name, description: tool.description ?? null, inputSchema: tool.inputSchema ?? null }),
    )
    .digest("hex");
}
