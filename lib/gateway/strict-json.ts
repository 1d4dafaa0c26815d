import { isUtf8 } from "node:buffer";

/**
 * Parses a request body the way every JSON parser an upstream may use reads
 * it identically — I-JSON (RFC 7493) — or refuses it:
 *
 * - UTF-8 only, without a byte order mark (RFC 8259 §8.1: "MUST NOT add a
 *   byte order mark"; RFC 7493 §2.1). `Buffer#toString` would replace an
 *   invalid sequence with U+FFFD where another decoder stops or keeps bytes.
 * - No duplicate member names in any object (RFC 7493 §2.3). JSON.parse keeps
 *   the last, other parsers the first (or fail): the gateway would decide on
 *   one message and the upstream execute another.
 * - No unpaired surrogate escapes (`"\ud800"`, RFC 7493 §2.1), which parsers
 *   keep, replace or refuse.
 *
 * Syntax and values come from JSON.parse (native, fast, exactly RFC 8259);
 * one linear pass over the already-valid text then checks member names, so
 * the scanner never has to judge syntax. No maintained npm parser offers
 * duplicate detection without building a syntax tree or accepting JSON
 * extensions (comments, trailing commas), at several times JSON.parse's cost
 * on every gateway request.
 */
export type StrictJson =
  | { ok: true; value: unknown }
  | { ok: false; problem: "bom" | "encoding" | "syntax" | "duplicate_member" | "unpaired_surrogate"; detail: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function parseStrictJson(body: Buffer): StrictJson {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { ok: false, problem: "bom", detail: "the body starts with a byte order mark" };
  }
  if (!isUtf8(body)) return { ok: false, problem: "encoding", detail: "the body is not valid UTF-8" };
  const text = body.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: "syntax", detail: "the body is not JSON" };
  }
  const problem = scanMembers(text);
  return problem ?? { ok: true, value };
}

/**
 * One pass over valid JSON text: a stack of the member names seen in each
 * open object. A string is a member name when the next non-blank character
 * is `:`. Names and strings with escapes are decoded by JSON.parse, so
 * `"\u006dethod"` and `"method"` are the same name, as for every parser.
 */
function scanMembers(text: string): Extract<StrictJson, { ok: false }> | null {
  const objects: (Set<string> | null)[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) objects.push(new Set());
    else if (c === 0x5b /* [ */) objects.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) objects.pop();
    else if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++; // the escaped character cannot end the string
        } else if (d === QUOTE) break;
      }
      const raw = text.slice(start, i + 1);
      const decoded = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (escaped && !decoded.isWellFormed())
        return { ok: false, problem: "unpaired_surrogate", detail: "a string holds an unpaired surrogate escape" };
      let j = i + 1;
      while (j < n && isBlank(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 0x3a /* : */) {
        const names = objects.at(-1);
        if (names) {
          if (names.has(decoded))
            return {
              ok: false,
              problem: "duplicate_member",
              detail: `the member name ${JSON.stringify(decoded.slice(0, 64))} appears twice in one object`,
            };
          names.add(decoded);
        }
      }
    }
  }
  return null;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Case folding as the most lenient decoders match member names (Go's
 * encoding/json accepts any case and folds U+017F ſ to s and U+212A K to k):
 * names that fold alike are the same name to some upstream.
 */
export function foldName(name: string): string {
  return name.toUpperCase().toLowerCase();
}
