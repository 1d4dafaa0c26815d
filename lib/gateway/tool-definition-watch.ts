import type { ObservedDefinition } from "@/lib/servers/record-definition-change";
import { toolDefinitionHash } from "@/lib/servers/tool-definition-hash";
import type { GatewayServer, GatewayTool } from "./directory";
import type { ToolCallDecision } from "./tool-call-decision";

/** Bounds on what one process remembers; past them it starts over (hashes are recomputed, writes re-checked). */
const MAX_HASHES = 10_000;
const MAX_REPORTED = 10_000;

/**
 * Holds approved tools to the definition an admin approved, as the gateway
 * relays `tools/list`: a listed definition (name, description, input schema)
 * that differs from the pinned one is hidden from the list at once, calls to
 * the tool are refused from then on in this process, and the change is
 * recorded once (lib/servers/record-definition-change.ts withdraws the
 * approval and writes one audit event, whichever instance gets there first).
 * Other instances refuse the tool as soon as their directory re-reads it
 * (MANDATE_GATEWAY_DIRECTORY_TTL_MS), or at once if they relay the list
 * themselves.
 *
 * Cost per listed tool: one JSON.stringify of its definition as received,
 * looked up in a cache of hashes; the canonical sha256 only on a miss.
 */
export class ToolDefinitionWatch {
  /** Tool id → the hash last listed for it, when that differs from the pinned one. */
  private readonly held = new Map<string, string>();
  /** `toolId:hash` this process has recorded (or is recording). */
  private readonly reported = new Set<string>();
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly record: (toolId: string, observed: ObservedDefinition) => Promise<unknown>,
    private readonly onError: (e: unknown) => void = (e) =>
      console.error("mandate: recording a changed tool definition failed:", e instanceof Error ? e.message : e),
  ) {}

  /** A tools/list result without the approved tools whose listed definition is not the approved one (and without repeated names). */
  filterListed(message: unknown, server: GatewayServer): unknown {
    if (message === null || typeof message !== "object") return message;
    const result = (message as { result?: unknown }).result;
    if (result === null || typeof result !== "object") return message;
    const tools = (result as { tools?: unknown }).tools;
    if (!Array.isArray(tools)) return message;
    const hidden = new Set<string>();
    const seen = new Set<string>();
    for (const listed of tools) {
      const name = nameOf(listed);
      if (name === null) continue;
      const tool = server.tools.get(name);
      if (tool && !this.matchesPinned(tool, listed)) hidden.add(name);
    }
    const visible = tools.filter((listed: unknown) => {
      const name = nameOf(listed);
      if (name === null || hidden.has(name) || seen.has(name)) return false;
      seen.add(name);
      return true;
    });
    return visible.length === tools.length ? message : { ...message, result: { ...result, tools: visible } };
  }

  /** A refusal for a tools/call of a tool held here or withdrawn for a changed definition; null otherwise. */
  holdDecision(server: GatewayServer, params: unknown): ToolCallDecision | null {
    const name = params !== null && typeof params === "object" ? (params as { name?: unknown }).name : undefined;
    const tool = typeof name === "string" ? server.tools.get(name) : undefined;
    if (!tool) return null;
    const observed = this.held.get(tool.id);
    const heldHere = tool.approved && observed !== undefined && observed !== tool.pinnedHash;
    if (!heldHere && tool.changedSinceApproval !== true) return null;
    return {
      allow: false,
      tool,
      toolName: tool.name,
      reason: `tool_definition_changed: ${tool.name} changed since it was approved; pending re-approval`,
    };
  }

  private matchesPinned(tool: GatewayTool, listed: unknown): boolean {
    if (!tool.approved || tool.pinnedHash == null) return true; // nothing pinned: the caller-level filter decides
    const definition = definitionOfListed(listed);
    const hash = this.hashOf(definition);
    if (hash === tool.pinnedHash) {
      this.held.delete(tool.id);
      return true;
    }
    this.held.set(tool.id, hash);
    const key = `${tool.id}:${hash}`;
    if (!this.reported.has(key)) {
      if (this.reported.size >= MAX_REPORTED) this.reported.clear();
      this.reported.add(key);
      // Off the request path: the list is already filtered, calls are already refused here.
      this.record(tool.id, definition).catch((e: unknown) => {
        this.reported.delete(key); // the next list tries again
        this.onError(e);
      });
    }
    return false;
  }

  private hashOf(d: ObservedDefinition): string {
    const raw = JSON.stringify([d.name, d.description, d.inputSchema]);
    let hash = this.hashes.get(raw);
    if (hash === undefined) {
      hash = toolDefinitionHash(d);
      if (this.hashes.size >= MAX_HASHES) this.hashes.clear();
      this.hashes.set(raw, hash);
    }
    return hash;
  }
}

function nameOf(listed: unknown): string | null {
  const name = listed !== null && typeof listed === "object" ? (listed as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : null;
}

/** A listed tool reduced as the tool sync reduces it (lib/servers/list-upstream-tools.ts), so both hash alike. */
function definitionOfListed(listed: unknown): ObservedDefinition {
  const t = listed as {
    name: string;
    title?: unknown;
    description?: unknown;
    inputSchema?: unknown;
    annotations?: { title?: unknown };
  };
  const title =
    typeof t.title === "string" ? t.title : typeof t.annotations?.title === "string" ? t.annotations.title : null;
  return {
    name: t.name,
    title,
    description: typeof t.description === "string" ? t.description : null,
    inputSchema: t.inputSchema ?? null,
  };
}
