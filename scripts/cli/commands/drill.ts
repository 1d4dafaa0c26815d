import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { drillContext } from "@/lib/drills/drill-context";
import { drillSettings } from "@/lib/drills/drill-settings";
import { runDrills } from "@/lib/drills/run-drill";
import { UsageError, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";

/**
 * Revocation drills from a pipeline: exit 0 only when every drilled server
 * passed, 1 when one failed (so CI/CD can gate on it), 2 on bad arguments.
 * The gateway instances must be running (the drill probes each one); the
 * canary is minted with the keys and issuer (MANDATE_ISSUER) they share.
 */
export const drillCommand: Command = {
  name: "drill",
  summary: "run revocation drills (a canary revoked and timed at every enforcement point); exit 1 if any fails",
  usage: "--all | --server SLUG [--server SLUG …] [--target-ms N] [--json]",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        all: { type: "boolean" },
        server: { type: "string", multiple: true },
        "target-ms": { type: "string" },
        json: { type: "boolean" },
      },
    });
    const slugs = values.server ?? [];
    if (!values.all && slugs.length === 0)
      throw new UsageError("name the servers with --server, or drill them all with --all");
    if (values.all && slugs.length > 0) throw new UsageError("--all and --server exclude each other");
    const settings = drillSettings(io.env);
    if (values["target-ms"] !== undefined) {
      const target = Number(values["target-ms"]);
      if (!Number.isInteger(target) || target <= 0)
        throw new UsageError("--target-ms must be a whole number of milliseconds > 0");
      settings.targetMs = target;
      settings.timeoutMs = Math.max(settings.timeoutMs, target);
    }
    const opened = await openMigratedDatabase(io);
    if (!opened) return 1;
    try {
      let serverIds: string[] | "all" = "all";
      if (!values.all) {
        const found = await opened.db.mcpServer.findMany({
          where: { slug: { in: slugs } },
          select: { id: true, slug: true },
        });
        const unknown = slugs.filter((s) => !found.some((f) => f.slug === s));
        if (unknown.length > 0) throw new UsageError(`no MCP server has the slug ${unknown.join(", ")}`);
        serverIds = slugs.map((s) => found.find((f) => f.slug === s)!.id);
      }
      const actor = { kind: "system" as const, label: `mandate drill (OS user ${userInfo().username})`, roles: [] };
      const reports = await runDrills(drillContext(opened.db), actor, { serverIds, trigger: "cli" }, settings);
      if (values.json) io.log(JSON.stringify(reports, null, 2));
      else {
        for (const r of reports) {
          io.log(
            `${r.outcome === "passed" ? "PASS" : "FAIL"}  ${r.serverName} (${r.enforcementPath}): ${r.slowestMs === null ? "no refusal seen" : `${r.slowestMs} ms`} — ${r.reason}`,
          );
          for (const p of r.results)
            io.log(`      ${p.ok ? "ok  " : "FAIL"} ${p.label}: ${p.ms === null ? "—" : `${p.ms} ms`} ${p.detail}`);
        }
        const failed = reports.filter((r) => r.outcome === "failed").length;
        io.log(`${reports.length - failed} of ${reports.length} passed (target ${settings.targetMs} ms)`);
      }
      return reports.every((r) => r.outcome === "passed") ? 0 : 1;
    } finally {
      await opened.db.$disconnect();
    }
  },
};
