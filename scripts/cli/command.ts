/** What every `mandate` subcommand provides; main.ts lists them and dispatches. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The argument synopsis after the command name. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** The outside world a command talks to, so commands can be driven from tests. */
export interface CliIo {
  env: Record<string, string | undefined>;
  log(line: string): void;
  /** Asks for a secret without echoing it; undefined when there is no terminal to ask on. */
  promptSecret?: (question: string) => Promise<string>;
}

/** Wrong arguments: main prints the message with the command's usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
