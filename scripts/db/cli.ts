// Mandate's migration commands (Prisma's migrate CLI cannot run offline in 7.x):
//   migrate            apply pending migrations to DATABASE_URL (default SQLite data/mandate.db)
//   status             show applied / pending migrations of DATABASE_URL
//   drift [--provider sqlite|postgresql]
//                      check that the migrations produce the models (both providers by default)
//   new <name>         create a migration for both providers from the models
// The process exits explicitly: the wasm engine leaves timers pending on PostgreSQL.
import { describeDatabase, resolveDatabaseConfig } from "../../lib/db/config";
import { checkDrift, createMigration, migrateDatabase, migrationStatus, shadowServerUrl } from "../../lib/db/migrate";
import { PROVIDERS, type Provider } from "../../lib/db/migrations/files";

const USAGE = "usage: tsx scripts/db/cli.ts migrate | status | drift [--provider sqlite|postgresql] | new <name>";

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "migrate": {
      const config = resolveDatabaseConfig();
      console.log(`Migrating ${describeDatabase(config)}`);
      await migrateDatabase(config, { log: (line) => console.log(`  ${line}`) });
      return 0;
    }
    case "status": {
      const config = resolveDatabaseConfig();
      const s = await migrationStatus(config);
      console.log(`${describeDatabase(config)}: ${s.applied.length} applied, ${s.pending.length} pending`);
      const list = (label: string, names: string[]) => {
        for (const n of names) console.log(`  ${label.padEnd(8)} ${n}`);
      };
      list("pending", s.pending);
      list("FAILED", s.failed);
      list("EDITED", s.edited);
      list("UNKNOWN", s.unknown);
      if (s.edited.length) console.log("Edited migrations were changed after being applied; restore them.");
      if (s.unknown.length)
        console.log("Unknown migrations are recorded in the database but missing from this checkout.");
      console.log(s.upToDate ? "Database is up to date." : s.pending.length ? "Run `npm run db:migrate`." : "");
      return s.upToDate ? 0 : 1;
    }
    case "drift": {
      const providers = providerOption(rest);
      let drift = false;
      for (const provider of providers) {
        const where =
          provider === "postgresql"
            ? ` (shadow database on ${describeDatabase({ provider, url: shadowServerUrl() })})`
            : "";
        const report = await checkDrift(provider);
        if (report.inSync) {
          console.log(`${provider}: migrations match the models${where}`);
          continue;
        }
        drift = true;
        console.log(`${provider}: DRIFT${where}`);
        if (report.staleSchema)
          console.log(`  prisma/${provider}/schema.prisma is stale: run \`npm run db:generate\`.`);
        if (report.script) {
          console.log("  The migrations lack this SQL; run `npm run db:new-migration -- <name>`:\n");
          console.log(report.script.replace(/^/gm, "    "));
        }
      }
      return drift ? 1 : 0;
    }
    case "new": {
      const name = rest.find((a) => !a.startsWith("-"));
      if (!name) throw new UsageError("new needs a migration name");
      const date = new Date(); // one timestamp, so both providers' folders pair up
      let created = 0;
      for (const provider of PROVIDERS) {
        const { path } = await createMigration(provider, name, { date });
        console.log(path ? `${provider}: created ${path}` : `${provider}: no changes, no migration`);
        if (path) created++;
      }
      if (created) console.log("Review the SQL, then apply it with `npm run db:migrate`.");
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "missing command");
  }
}

function providerOption(args: string[]): readonly Provider[] {
  const i = args.findIndex((a) => a === "--provider" || a.startsWith("--provider="));
  if (i < 0) return PROVIDERS;
  const arg = args[i];
  const value = arg?.includes("=") ? arg.split("=")[1] : args[i + 1];
  const provider = PROVIDERS.find((p) => p === value);
  if (!provider) throw new UsageError(`--provider must be ${PROVIDERS.join(" or ")}`);
  return [provider];
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e instanceof Error ? `error: ${e.message}` : e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
