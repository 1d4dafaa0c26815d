import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { PolicyIssue } from "./plan-types";
import type { PolicyPath } from "./policy-schema";

/** A parsed policy file that can say on which line any path of it sits. */
export interface PolicySource {
  data: unknown;
  issueAt(path: readonly PropertyKey[], message: string): PolicyIssue;
}

/** "servers[0].tools[2].scope" */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );
}

/** The line of the deepest node on the path that exists: a missing key is reported at its entry. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth).filter((k): k is string | number => typeof k !== "symbol") as PolicyPath;
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}

/** Parses YAML, or returns its syntax errors with their lines. */
export function parsePolicySource(
  text: string,
): { ok: true; source: PolicySource } | { ok: false; issues: PolicyIssue[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        path: "",
        line: e.linePos?.[0]?.line ?? null,
        // yaml's message repeats the position and a source excerpt after the first line; the line number is reported separately.
        message: `Malformed YAML: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    };
  }
  return {
    ok: true,
    source: {
      data: doc.toJS() as unknown,
      issueAt: (path, message) => ({ path: formatPath(path), line: lineOf(doc, counter, path), message }),
    },
  };
}
