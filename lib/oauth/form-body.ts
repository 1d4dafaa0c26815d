import { headerOf, type OAuthRequest } from "./context";
import { InvalidRequest } from "./errors";

/** Parameters of one form body, each present at most once, empty values treated as absent (RFC 6749 §3.1). */
export type FormParams = ReadonlyMap<string, string>;

/**
 * RFC 6749 §3.2: token requests are application/x-www-form-urlencoded.
 * Repeated parameters are refused outright (§3.1 "MUST NOT be included more
 * than once"): two `resource` or `scope` values would otherwise be a way to
 * smuggle a second target past one check.
 */
export async function readForm(req: OAuthRequest): Promise<FormParams> {
  const type = headerOf(req, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new InvalidRequest("content type must be application/x-www-form-urlencoded");
  }
  const raw = await req.readBody();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new InvalidRequest("request body is not valid UTF-8");
  }
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) throw new InvalidRequest(`parameter ${name} is repeated`);
    seen.add(name);
    if (value !== "") out.set(name, value);
  }
  return out;
}

export function splitScope(scope: string | undefined): string[] {
  return scope ? [...new Set(scope.split(" ").filter((s) => s !== ""))] : [];
}
