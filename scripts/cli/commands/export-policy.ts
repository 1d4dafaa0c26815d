import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { exportPolicy } from "@/lib/policy/export-policy";
import type { Command } from "../command";
import { openMigratedDatabase } from "../open-database";

/** Writes the whole model (servers, tools, agents, entitlements, live assignments) as a policy file. */
export const exportPolicyCommand: Command = {
  name: "export",
  summary: "write the model as a YAML policy file (no credentials)",
  usage: "[-o FILE]   (stdout without -o; use `npm run -s` so npm's banner stays out of the file)",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { output: { type: "string", short: "o" } },
    });
    const opened = await openMigratedDatabase(io);
    if (!opened) return 1;
    try {
      const text = await exportPolicy(opened.db);
      if (!values.output) {
        process.stdout.write(text);
        return 0;
      }
      await writeFile(values.output, text, "utf8");
      io.log(`Wrote ${values.output} from ${opened.label}.`);
      return 0;
    } finally {
      await opened.db.$disconnect();
    }
  },
};
