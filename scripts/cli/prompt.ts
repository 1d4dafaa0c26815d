/** Typed-ahead input after the Enter that ended the previous answer. */
let typedAhead = "";

/**
 * Reads a line from the terminal without echoing it (a password). Only for a
 * TTY: raw mode lets us swallow the keystrokes. Ctrl+C cancels.
 */
export function promptSecret(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stdout,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
    };
    /** True when the answer is complete. */
    const consume = (chunk: string): boolean => {
      const chars = [...chunk];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          // "\r\n" is one Enter.
          const next = ch === "\r" && chars[i + 1] === "\n" ? i + 2 : i + 1;
          typedAhead = chars.slice(next).join("");
          finish();
          resolve(value);
          return true;
        }
        if (ch === "\u0003") {
          typedAhead = "";
          finish();
          reject(new Error("cancelled"));
          return true;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
      return false;
    };
    const onData = (chunk: string) => void consume(chunk);
    output.write(question);
    input.setEncoding("utf8");
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
    const earlier = typedAhead;
    typedAhead = "";
    if (earlier) consume(earlier);
  });
}
