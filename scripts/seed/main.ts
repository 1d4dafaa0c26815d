/**
 * npm run seed [-- --reset] [-- --scale] [-- --sessions N --events N] [-- --if-empty]
 *
 * Builds the deterministic demo enterprise (people, groups, MCP servers and
 * tools, agents, entitlements, assignments, and a history of sessions and
 * audit events) in the database DATABASE_URL names (the embedded SQLite file
 * by default). --scale builds 1M sessions and 10M audit events for benchmarks.
 */
import { parseArgs } from "node:util";
import { openBulkWriter } from "@/lib/db/bulk-insert";
import { createDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { migrateDatabase } from "@/lib/db/migrate";
import { hashPassword } from "@/lib/auth/password";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { emaExampleOptionsFromEnv, seedEmaExample } from "./ema-example";
import { buildOrg, DEMO_PASSWORD } from "./org";
import { writeHistory } from "./history";
import { Random } from "./random";
import { insertOrg } from "./tables";

const { values: args } = parseArgs({
  options: {
    reset: { type: "boolean", default: false },
    "if-empty": { type: "boolean", default: false },
    scale: { type: "boolean", default: false },
    sessions: { type: "string" },
    events: { type: "string" },
    seed: { type: "string", default: "20261127" },
  },
});

/** Child tables first, so deletes never trip a foreign key. */
const DELETE_ORDER = [
  "ReviewItem",
  "ReviewCampaign",
  "IssuedToken",
  "AgentSession",
  "SeenJti",
  "Assignment",
  "EntitlementTool",
  "Entitlement",
  "Tool",
  "McpServer",
  "Agent",
  "ApiKey",
  "ConsoleSession",
  "UserRole",
  "GroupMembership",
  "Group",
  "User",
  "SigningKey",
  "TrustedIdp",
  "Setting",
  "AuditEvent",
] as const;

async function main(): Promise<void> {
  // Loading and resetting millions of rows (--scale) takes statements longer than a request's bound (lib/db/store-timeouts.ts).
  process.env.MANDATE_DB_STATEMENT_TIMEOUT_MS ??= "0";
  const config = resolveDatabaseConfig();
  const t0 = Date.now();
  const log = (line: string) => console.log(line);
  log(`mandate seed → ${describeDatabase(config)}`);
  await migrateDatabase(config, { log });

  const db = createDb(config);
  const existing = await db.user.count();
  await db.$disconnect();
  if (existing > 0 && args["if-empty"]) {
    log(`  database already has data (${existing} people); nothing seeded`);
    return;
  }
  if (existing > 0 && !args.reset) {
    throw new Error(
      "the database already has data: run `npm run seed -- --reset` to replace it with the demo (this deletes everything)",
    );
  }

  const writer = await openBulkWriter(config);
  try {
    if (existing > 0) {
      log("  removing existing data");
      if (writer.provider === "postgresql") {
        // --reset replaces the whole demo, audit trail included: the one other way past
        // the trail's append-only trigger than the retention job (see the audit_immutable migration).
        await writer.exec(
          `BEGIN; SET LOCAL mandate.audit_purge = 'on'; TRUNCATE ${DELETE_ORDER.map((t) => `"${t}"`).join(", ")} CASCADE; COMMIT`,
        );
      } else {
        for (const t of DELETE_ORDER) await writer.exec(`DELETE FROM "${t}"`);
      }
    }
    const now = Date.now();
    const rnd = new Random(Number(args.seed));
    const org = buildOrg(rnd, now, await hashPassword(DEMO_PASSWORD));
    await insertOrg(writer, org.rows);
    log(
      `  ${org.userIds.length} people · ${org.rows.Group!.length} groups · ${org.servers.length} MCP servers · ${org.tools.length} tools · ${org.entitlements.length} entitlements · ${org.agents.length} agents · ${org.assignments.length} assignments`,
    );

    const scale = args.scale;
    const plan = {
      sessions: Number(args.sessions ?? (scale ? 1_000_000 : 6_000)),
      events: Number(args.events ?? (scale ? 10_000_000 : 60_000)),
      windowDays: 90,
    };
    if (
      !Number.isInteger(plan.sessions) ||
      plan.sessions < 1 ||
      !Number.isInteger(plan.events) ||
      plan.events < plan.sessions
    ) {
      throw new Error("--sessions and --events must be positive integers, with at least as many events as sessions");
    }
    log(
      `  writing ${plan.sessions.toLocaleString("en")} sessions and ~${plan.events.toLocaleString("en")} audit events`,
    );
    const history = await writeHistory(writer, org, rnd, now, plan, log);
    log(
      `  ${history.sessions.toLocaleString("en")} sessions (${history.activeSessions} live) · ${history.tokens.toLocaleString("en")} tokens · ${history.events.toLocaleString("en")} audit events`,
    );
    // Fresh statistics, so the planner picks the indexes at once.
    await writer.exec("ANALYZE");
  } finally {
    await writer.close();
  }
  // The trusted IdP, server and agents `npm run example:ema` uses (see README “Try the EMA flow”).
  const exampleDb = createDb(config);
  try {
    const admin = await exampleDb.user.findFirst({
      where: { roles: { some: { role: "admin" } } },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    await seedEmaExample(exampleDb, emaExampleOptionsFromEnv(process.env, issuerFromEnv(), admin?.id ?? null));
  } finally {
    await exampleDb.$disconnect();
  }
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
