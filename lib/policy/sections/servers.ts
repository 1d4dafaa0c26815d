import { issuerFromEnv } from "@/lib/oauth/defaults";
import { decideToolIn } from "@/lib/servers/decide-tool";
import { declareToolIn } from "@/lib/servers/declare-tool";
import { deleteServerIn } from "@/lib/servers/delete-server";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";
import { registerServerIn } from "@/lib/servers/register-server";
import { slugOf } from "@/lib/servers/slug";
import { updateServerIn } from "@/lib/servers/update-server";
import { updateToolIn } from "@/lib/servers/update-tool";
import { type FileServer, type FileTool, SERVER_FIELDS, TOOL_FIELDS } from "../validate-entries";
import { diff, type SectionContext } from "./context";
import { serverIdOf, toolIdOf } from "./lookups";

const SERVER_DIFF = [
  "description",
  "category",
  "resourceUri",
  "issuer",
  "mode",
  "upstreamUrl",
  "argumentLogging",
  "owner",
] as const;
const DECISION = { approved: "approve", rejected: "reject" } as const;
const REASON = { approved: "Approved", rejected: "Rejected" } as const;

function planTool(
  ctx: SectionContext,
  server: FileServer,
  tool: FileTool,
  current: { risk: string; scope: string; status: string } | undefined,
): void {
  const { change, refuse, steps } = ctx;
  const label = `${server.name} / ${tool.name}`;
  if (!current) {
    change(
      "create",
      "tool",
      label,
      tool.path,
      [],
      tool.status === "pending" ? undefined : `declared, then ${tool.status}`,
    );
    steps.push({
      path: tool.path,
      fields: TOOL_FIELDS,
      run: async ({ tx, principal }) => {
        const { id } = await declareToolIn(tx, principal, await serverIdOf(tx, server.name), tool);
        if (tool.status !== "pending")
          await decideToolIn(tx, principal, DECISION[tool.status], {
            toolId: id,
            reason: `${REASON[tool.status]} by policy file`,
          });
      },
    });
    return;
  }
  const fields = diff(current, tool, ["risk", "scope", "status"]);
  if (fields.length === 0) return;
  if (tool.status === "pending" && current.status !== "pending") {
    refuse([...tool.path, "status"], `A ${current.status} tool cannot go back to pending; approve or reject it`);
    return;
  }
  change("update", "tool", label, tool.path, fields);
  steps.push({
    path: tool.path,
    fields: TOOL_FIELDS,
    run: async ({ tx, principal }) => {
      const toolId = await toolIdOf(tx, server.name, tool.name);
      if (current.risk !== tool.risk || current.scope !== tool.scope)
        await updateToolIn(tx, principal, { toolId, risk: tool.risk as "read", scope: tool.scope });
      if (current.status !== tool.status && tool.status !== "pending") {
        await decideToolIn(tx, principal, DECISION[tool.status], {
          toolId,
          reason: `${REASON[tool.status]} by policy file`,
        });
      }
    },
  });
}

/** The file's servers and their tools. Tools are never removed: they come from the server (a sync marks them removed). */
export function planServers(ctx: SectionContext): void {
  const { entries, model, change, steps, kept } = ctx;
  for (const s of entries.servers) {
    const current = model.servers.find((c) => c.name === s.name);
    // Left out, a gateway server's resource URI is its gateway URL; the plan shows that value, and a stale stored one changing to it.
    const resourceUri =
      s.resourceUri ??
      (s.mode === "gateway" ? gatewayResourceUri(issuerFromEnv(), current?.slug ?? slugOf(s.name)) : null);
    const input = {
      name: s.name,
      description: s.description ?? undefined,
      category: s.category ?? undefined,
      resourceUri: resourceUri ?? undefined,
      authorizationServerIssuer: s.issuer ?? undefined,
      enforcementMode: s.mode as "native" | "gateway",
      upstreamUrl: s.upstreamUrl ?? undefined,
      argumentLogging: s.argumentLogging as "none",
      ownerEmail: s.owner ?? undefined,
    };
    if (!current) {
      change("create", "server", s.name, s.path);
      steps.push({
        path: s.path,
        fields: SERVER_FIELDS,
        run: async ({ tx, principal }) => void (await registerServerIn(tx, principal, input)),
      });
    } else {
      const fields = diff(current, { ...s, resourceUri }, SERVER_DIFF);
      if (fields.length > 0) {
        change("update", "server", s.name, s.path, fields);
        // The stored upstream credential is kept: files never carry it.
        steps.push({
          path: s.path,
          fields: SERVER_FIELDS,
          run: async ({ tx, principal }) => void (await updateServerIn(tx, principal, { id: current.id, ...input })),
        });
      }
      for (const t of current.tools)
        if (!s.tools.some((f) => f.name === t.name)) kept.push({ kind: "tool", label: `${s.name} / ${t.name}` });
    }
    for (const t of s.tools)
      planTool(
        ctx,
        s,
        t,
        current?.tools.find((c) => c.name === t.name),
      );
  }
}

/** Servers the file does not list: kept, or deleted with their tools under prune. */
export function pruneServers({ entries, model, prune, change, steps, kept }: SectionContext): void {
  for (const s of model.servers) {
    if (entries.servers.some((f) => f.name === s.name)) continue;
    if (!prune) {
      kept.push({ kind: "server", label: s.name });
      continue;
    }
    change("remove", "server", s.name, null, [], "deleted with its tools");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal }) => void (await deleteServerIn(tx, principal, { id: s.id, confirmName: s.name })),
    });
  }
}
