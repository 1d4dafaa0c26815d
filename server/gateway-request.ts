import type { IncomingMessage } from "node:http";

/**
 * The HTTP side of "one message": what a gateway request may say about its
 * body besides the body itself. Every check here exists because an upstream
 * could otherwise read the same bytes as another message than the gateway
 * decided on.
 */

/** The one header value, or null when absent; "many" when the client sent the field more than once. */
export function singleHeader(req: IncomingMessage, name: string): string | null | "many" {
  const values = req.headersDistinct[name];
  if (!values || values.length === 0) return null;
  return values.length > 1 ? "many" : (values[0] ?? null);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `application/json`, with at most a `charset=utf-8` parameter (RFC 8259 §11
 * defines no charset; RFC 9110 §8.3.1: type, subtype and parameter names are
 * case-insensitive). Anything else — another charset (utf-7 made an SDK
 * upstream decode `+ACI-` as a quote), another type, unknown parameters —
 * is refused with 415.
 */
export function isJsonUtf8ContentType(value: string | null | "many"): boolean {
  if (value === null || value === "many") return false;
  const { type, params } = mediaType(value);
  if (type.toLowerCase() !== "application/json" || params === null) return false;
  if (params.length === 0) return true;
  if (params.length > 1) return false;
  const [name, v] = params[0]!;
  return name.toLowerCase() === "charset" && v.toLowerCase() === "utf-8";
}

/** RFC 9110 §5.6.6: `type/subtype *( OWS ";" OWS name=(token / quoted-string) )`; params null when malformed. */
function mediaType(value: string): { type: string; params: [string, string][] | null } {
  const semi = value.indexOf(";");
  const type = (semi === -1 ? value : value.slice(0, semi)).trim();
  const params: [string, string][] = [];
  let rest = semi === -1 ? "" : value.slice(semi + 1);
  while (rest.trim() !== "") {
    const m = /^\s*([^=\s;]+)=("(?:[^"\\]|\\.)*"|[^;\s"]+)\s*(?:;|$)/.exec(rest);
    if (!m || !TOKEN.test(m[1]!)) return { type, params: null };
    params.push([m[1]!, m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, "$1") : m[2]!]);
    rest = rest.slice(m[0].length);
  }
  return { type, params };
}

/**
 * A request body must arrive as sent: `Content-Encoding` other than identity
 * would make the upstream inflate bytes the gateway never parsed (RFC 9110
 * §8.4; 415 per RFC 7694 §3).
 */
export function hasContentCoding(req: IncomingMessage): boolean {
  const values = req.headersDistinct["content-encoding"];
  if (!values) return false;
  return values.some((v) => v.split(",").some((c) => c.trim() !== "" && c.trim().toLowerCase() !== "identity"));
}

/**
 * MCP 2026-07-28 (basic/transports/streamable-http, "Server Validation"):
 * `Mcp-Method` mirrors the body's `method`, `Mcp-Name` its `params.name`
 * (`params.uri` for resources/read), Base64 sentinel `=?base64?…?=`
 * decoded first. A mismatch must be refused (400, -32020 HeaderMismatch): an
 * intermediary routing on the header and a server executing the body would
 * otherwise act on two different messages. Returns the reason, or null.
 */
export function standardHeaderMismatch(req: IncomingMessage, method: string | null, params: unknown): string | null {
  const headerMethod = singleHeader(req, "mcp-method");
  if (headerMethod === "many") return "Mcp-Method is sent more than once";
  if (headerMethod !== null && headerMethod !== method)
    return `Mcp-Method header value does not match the body's method`;
  const headerName = singleHeader(req, "mcp-name");
  if (headerName === "many") return "Mcp-Name is sent more than once";
  if (headerName !== null) {
    const name = decodeSentinel(headerName);
    if (name === null) return "Mcp-Name holds an invalid Base64 value";
    const p = params !== null && typeof params === "object" ? (params as Record<string, unknown>) : {};
    const expected = method === "resources/read" ? p.uri : p.name;
    if (typeof expected !== "string" || expected !== name) return "Mcp-Name header value does not match the body";
  }
  return null;
}

const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

/** The Base64 sentinel of MCP 2026-07-28 "Value Encoding", or the plain value; null when the Base64 is not canonical UTF-8. */
function decodeSentinel(value: string): string | null {
  const m = SENTINEL.exec(value);
  if (!m) return value;
  const bytes = Buffer.from(m[1]!, "base64");
  if (bytes.toString("base64") !== m[1]) return null; // non-canonical padding or bits: refuse rather than guess
  const text = new TextDecoder("utf-8", { fatal: true });
  try {
    return text.decode(bytes);
  } catch {
    return null;
  }
}

/** The address the gateway audits and tells the upstream: the first X-Forwarded-For entry the server layer kept, or the peer. */
export function clientAddressOf(req: IncomingMessage): string | null {
  return (
    (req.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim() || req.socket.remoteAddress || null
  );
}
