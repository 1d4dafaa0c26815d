import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { migrationStatus } from "@/lib/db/migrate";
import { ADMIN_PASSWORD_MIN_LENGTH, bootstrapAdmin, bootstrapAdminSchema } from "@/lib/people/bootstrap-admin";
import { UsageError, type CliIo, type Command } from "../command";

export const PASSWORD_ENV = "MANDATE_ADMIN_PASSWORD";

/**
 * The bootstrap of a fresh deployment: the first admin (or a break-glass
 * reset of one). Creates or finds the person by email, sets their password and
 * grants the admin role, in one audited transaction.
 */
export const createAdmin: Command = {
  name: "create-admin",
  summary: "create (or find) a person, set their console password and grant them the admin role",
  usage: `--email EMAIL --name NAME   (password from $${PASSWORD_ENV}, or asked for on a terminal; at least ${ADMIN_PASSWORD_MIN_LENGTH} characters)`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { email: { type: "string" }, name: { type: "string" } },
      strict: true,
      allowPositionals: false,
    });
    if (!values.email) throw new UsageError("--email is required");
    if (!values.name) throw new UsageError("--name is required");
    const identity = bootstrapAdminSchema
      .pick({ email: true, name: true })
      .safeParse({ email: values.email, name: values.name });
    if (!identity.success)
      throw new UsageError(identity.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));

    const password = await readPassword(io);

    const config = resolveDatabaseConfig(io.env);
    const status = await migrationStatus(config);
    if (!status.upToDate) {
      io.log(
        `${describeDatabase(config)} is not migrated (${status.pending.length} pending). Run \`npm run db:migrate\` first.`,
      );
      return 1;
    }
    const db = createDb(config);
    try {
      const result = await bootstrapAdmin(db, { email: identity.data.email, name: identity.data.name, password });
      io.log(
        [
          result.created ? `Created ${identity.data.email}` : `Found ${identity.data.email}`,
          result.granted ? "granted the admin role" : "already an admin",
          "password set",
        ].join("; ") + ` (${describeDatabase(config)}).`,
      );
      io.log(
        "Sign in to the console with this email and password. The change is in the audit trail (console.admin_bootstrapped).",
      );
      return 0;
    } finally {
      await db.$disconnect();
    }
  },
};

async function readPassword(io: CliIo): Promise<string> {
  const fromEnv = io.env[PASSWORD_ENV];
  const tooShort = `the password needs at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < ADMIN_PASSWORD_MIN_LENGTH) throw new UsageError(`${PASSWORD_ENV}: ${tooShort}`);
    return fromEnv;
  }
  if (!io.promptSecret)
    throw new UsageError(`set ${PASSWORD_ENV}, or run this in a terminal to be asked for the password`);
  const first = await io.promptSecret(`Password (at least ${ADMIN_PASSWORD_MIN_LENGTH} characters): `);
  if (first.length < ADMIN_PASSWORD_MIN_LENGTH) throw new UsageError(tooShort);
  const again = await io.promptSecret("Repeat the password: ");
  if (again !== first) throw new UsageError("the passwords do not match");
  return first;
}
