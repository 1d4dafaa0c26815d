import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { cliPrincipal } from "@/lib/policy/cli-principal";
import { formatIssue } from "@/lib/policy/format-plan";
import type { PolicyIssue } from "@/lib/policy/plan-types";
import { UsageError, type CliIo } from "./command";
import { openMigratedDatabase } from "./open-database";

/** What `plan` and `apply` share: their options, the file, the database and the actor. */
export async function withPolicyFile(
  args: string[],
  io: CliIo,
  body: (ctx: { db: Db; principal: Principal; text: string; prune: boolean; file: string }) => Promise<number>,
): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      file: { type: "string", short: "f" },
      prune: { type: "boolean", default: false },
      as: { type: "string" },
    },
  });
  if (!values.file) throw new UsageError("-f FILE is required");
  let text: string;
  try {
    text = await readFile(values.file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${values.file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const opened = await openMigratedDatabase(io);
  if (!opened) return 1;
  try {
    const principal = await cliPrincipal(opened.db, { as: values.as, osUser: osUser(io) });
    return await body({ db: opened.db, principal, text, prune: values.prune ?? false, file: values.file });
  } finally {
    await opened.db.$disconnect();
  }
}

export function osUser(io: CliIo): string {
  try {
    return userInfo().username;
  } catch {
    return io.env.USER ?? "unknown";
  }
}

/** Issues, one per line, then a count; the caller exits non-zero. */
export function reportIssues(io: CliIo, file: string, issues: PolicyIssue[]): number {
  for (const issue of issues) io.log(`${file}: ${formatIssue(issue)}`);
  io.log(`\n${issues.length} problem(s); nothing was changed.`);
  return 1;
}
