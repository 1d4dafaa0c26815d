import { createDb, type Db } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { migrationStatus } from "@/lib/db/migrate";
import type { CliIo } from "./command";

/** The DATABASE_URL database, or null (with the reason logged) when it is not migrated. */
export async function openMigratedDatabase(io: CliIo): Promise<{ db: Db; label: string } | null> {
  const config = resolveDatabaseConfig(io.env);
  const status = await migrationStatus(config);
  if (!status.upToDate) {
    io.log(
      `${describeDatabase(config)} is not migrated (${status.pending.length} pending). Run \`npm run db:migrate\` first.`,
    );
    return null;
  }
  return { db: createDb(config), label: describeDatabase(config) };
}
