import { parseArgs } from "node:util";
import { createApiKey, createApiKeySchema } from "@/lib/auth/api-keys";
import type { Permission } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { createScimToken, createScimTokenSchema } from "@/lib/directory/scim-tokens";
import { cliPrincipal } from "@/lib/policy/cli-principal";
import { UsageError, type CliIo, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";
import { osUser } from "../policy-run";

/**
 * Bootstrap without a browser: automation creates the first admin API key
 * (and SCIM tokens for the IdP) from the deployment's shell. The same domain
 * functions as the console do the work, so the audit event, the holder rule
 * (a key can do no more than the person holding it) and the once-only secret
 * are the same. With `--as <email>` that person acts and holds the key;
 * without it, the system labelled with the OS user acts, and the key has no
 * holder — it ends by expiry or revocation (shell access to the deployment is
 * already full control of it).
 */

const zodMessage = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `--${String(i.path[0] ?? "")}: ${i.message}`).join("; ");

async function withActor(
  io: CliIo,
  as: string | undefined,
  permission: Permission,
  run: (db: Db, actor: Principal) => Promise<void>,
): Promise<number> {
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  try {
    const actor: Principal = as
      ? await cliPrincipal(opened.db, { as, osUser: osUser(io), permission })
      : { kind: "system", label: `mandate CLI (OS user ${osUser(io)})`, roles: ["admin"] };
    await run(opened.db, actor);
    return 0;
  } finally {
    await opened.db.$disconnect();
  }
}

/** The secret goes to stdout alone (or in one JSON line) so a script can capture it; it is never shown again. */
function printSecret(io: CliIo, json: boolean, record: Record<string, unknown>, secret: string, what: string): void {
  if (json) {
    io.log(JSON.stringify({ ...record, secret }));
    return;
  }
  process.stderr.write(`Created ${what}. The secret is shown once; store it now:\n`);
  io.log(secret);
}

export const apiKeyCommand: Command = {
  name: "api-key",
  summary: "create an admin API key for the JSON API (the secret is printed once)",
  usage: "create --name NAME --role admin|reviewer|oncall|auditor [--expires-in-days N] [--as EMAIL] [--json]",
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== "create") throw new UsageError(sub ? `unknown subcommand "${sub}"` : "say what to do: create");
    const { values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: "string" },
        role: { type: "string" },
        "expires-in-days": { type: "string" },
        as: { type: "string" },
        json: { type: "boolean" },
      },
    });
    const input = createApiKeySchema.safeParse({
      name: values.name ?? "",
      role: values.role,
      expiresInDays: values["expires-in-days"] ?? null,
    });
    if (!input.success) throw new UsageError(zodMessage(input.error.issues));
    return withActor(io, values.as, "api_keys.manage", async (db, actor) => {
      const { id, key } = await createApiKey(db, actor, input.data);
      const expiresAt = input.data.expiresInDays
        ? new Date(Date.now() + input.data.expiresInDays * 86_400_000).toISOString()
        : null;
      printSecret(
        io,
        values.json ?? false,
        { id, name: input.data.name, role: input.data.role, expiresAt },
        key,
        `API key “${input.data.name}” (${input.data.role}, id ${id})`,
      );
    });
  },
};

export const scimTokenCommand: Command = {
  name: "scim-token",
  summary: "create a SCIM provisioning token for the enterprise IdP (the secret is printed once)",
  usage: "create --name NAME [--as EMAIL] [--json]",
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== "create") throw new UsageError(sub ? `unknown subcommand "${sub}"` : "say what to do: create");
    const { values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: { name: { type: "string" }, as: { type: "string" }, json: { type: "boolean" } },
    });
    const input = createScimTokenSchema.safeParse({ name: values.name ?? "" });
    if (!input.success) throw new UsageError(zodMessage(input.error.issues));
    return withActor(io, values.as, "directory.manage", async (db, actor) => {
      const { id, token } = await createScimToken(db, actor, input.data);
      printSecret(
        io,
        values.json ?? false,
        { id, name: input.data.name },
        token,
        `SCIM token “${input.data.name}” (id ${id})`,
      );
    });
  },
};
