import { parseArgs } from "node:util";
import type { Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { cliPrincipal } from "@/lib/policy/cli-principal";
import { syncTools } from "@/lib/servers/sync-tools";
import { UsageError, type CliIo, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";
import { osUser } from "../policy-run";

/**
 * `tools sync --server <slug>`: reads a server's tool list over MCP, exactly
 * as the console's "Sync tools" does (lib/servers/sync-tools.ts), and prints
 * the diff. New tools arrive pending; an approved tool whose definition
 * changed is withdrawn until re-approved. Audited as the named admin (`--as`)
 * or as the system labelled with the OS user.
 */
async function sync(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { server: { type: "string" }, as: { type: "string" } },
  });
  if (!values.server) throw new UsageError("--server SLUG is required");
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  try {
    const principal: Principal = values.as
      ? await cliPrincipal(opened.db, { as: values.as, osUser: osUser(io) })
      : { kind: "system", label: `mandate tools sync (OS user ${osUser(io)})`, roles: ["admin"] };
    const server = await opened.db.mcpServer.findUnique({
      where: { slug: values.server },
      select: { id: true, name: true },
    });
    if (!server) throw new DomainError("not_found", `No server has the slug ${values.server}`);
    const result = await syncTools(opened.db, principal, server.id);
    const list = (names: string[]) => (names.length ? names.join(", ") : "—");
    io.log(
      `${server.name}: ${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed, ${result.unchanged.length} unchanged`,
    );
    io.log(`  added (pending approval): ${list(result.added)}`);
    for (const c of result.changed) {
      const what =
        [c.descriptionChanged ? "description" : null, c.schemaChanged ? "input schema" : null]
          .filter(Boolean)
          .join(" and ") || "definition";
      const status =
        c.statusBefore === "approved" && c.statusAfter === "pending"
          ? "definition changed — pending re-approval"
          : c.statusAfter;
      io.log(`  changed: ${c.name} (${what}; ${status})`);
    }
    io.log(`  removed: ${list(result.removed)}`);
    return 0;
  } finally {
    await opened.db.$disconnect();
  }
}

export const toolsCommand: Command = {
  name: "tools",
  summary:
    "read a server's tools over MCP (new tools pending; changed approved definitions withdrawn until re-approved)",
  usage: "sync --server SLUG [--as EMAIL]",
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "sync") return sync(rest, io);
    throw new UsageError(sub ? `unknown tools subcommand "${sub}"` : "tools needs a subcommand");
  },
};
