/**
 * The repo CLI: `npm run mandate -- <command> [options]`.
 *
 *   create-admin --email E --name N   the first admin of a fresh deployment (see commands/create-admin.ts)
 *   export [-o FILE]                  the model as a YAML policy file
 *   plan -f FILE [--prune] [--as E]   what applying the file would change
 *   apply -f FILE [--prune] [--as E]  apply it, in one transaction
 *   reviews-tick [--at T]             one pass of the access-review clock
 *   audit verify|retention|export     the audit trail's hash chains, retention job and export
 *   tools sync --server SLUG          read a server's tools over MCP and show the diff
 *   api-key create --name N --role R  an admin API key, for automation (secret printed once)
 *   scim-token create --name N        a SCIM provisioning token (secret printed once)
 *   drill --all | --server SLUG       revocation drills; exits 1 when one fails (for CI/CD)
 *   idp add|list|test|bind|remove     trusted identity providers (commands/idp.ts)
 *
 * One file per command under commands/; register it in COMMANDS. The database
 * is the one DATABASE_URL names, as for the server. The process exits
 * explicitly: the PostgreSQL pool and the migration engine keep timers alive.
 */
import { DomainError } from "@/lib/errors/domain-error";
import { UsageError, type CliIo, type Command } from "./command";
import { applyPolicyCommand } from "./commands/apply-policy";
import { auditCommand } from "./commands/audit";
import { createAdmin } from "./commands/create-admin";
import { apiKeyCommand, scimTokenCommand } from "./commands/credentials";
import { drillCommand } from "./commands/drill";
import { exportPolicyCommand } from "./commands/export-policy";
import { idpCommand } from "./commands/idp";
import { planPolicyCommand } from "./commands/plan-policy";
import { reviewsTickCommand } from "./commands/reviews-tick";
import { toolsCommand } from "./commands/tools";
import { promptSecret } from "./prompt";

const COMMANDS: readonly Command[] = [
  createAdmin,
  exportPolicyCommand,
  planPolicyCommand,
  applyPolicyCommand,
  reviewsTickCommand,
  auditCommand,
  toolsCommand,
  apiKeyCommand,
  scimTokenCommand,
  drillCommand,
  idpCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: npm run mandate -- <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `npm run mandate -- <command> --help` for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`usage: npm run mandate -- ${command.name} ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const io: CliIo = {
    env: process.env,
    log: (line) => console.log(line),
    promptSecret: process.stdin.isTTY && process.stdout.isTTY ? (q) => promptSecret(q) : undefined,
  };
  try {
    return await command.run(args, io);
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`${command.name}: ${e.message}\nusage: npm run mandate -- ${command.name} ${command.usage}`);
      return 2;
    }
    if (e instanceof DomainError) {
      console.error(`${command.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? `error: ${e.message}` : e);
    process.exit(1);
  },
);
