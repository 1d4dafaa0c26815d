import { DomainError } from "@/lib/errors/domain-error";

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 5000;
const MAX_BYTES = 256 * 1024;

/** GETs a JSON document with a timeout and a size limit; any failure is a clear, field-bound error. */
async function getJson(fetchFn: FetchLike, url: string, field: string): Promise<Record<string, unknown> | null> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new DomainError("invalid", `Could not reach ${url}: ${e instanceof Error ? e.message : String(e)}`, field);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new DomainError("invalid", `${url} answered ${res.status}`, field);
  }
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new DomainError("invalid", `${url} sent more than ${MAX_BYTES} bytes`, field);
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    return body as Record<string, unknown>;
  } catch {
    throw new DomainError("invalid", `${url} did not return a JSON object`, field);
  }
}

/** The metadata URLs to try for an issuer: OpenID Connect Discovery §4, then RFC 8414 §3.1 (well-known inserted before the path). */
export function metadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, "");
  return [
    `${u.origin}${path}/.well-known/openid-configuration`,
    `${u.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/**
 * Finds an issuer's `jwks_uri` from its published metadata. The metadata's
 * `issuer` must be exactly the issuer asked for (OIDC Discovery §4.3,
 * RFC 8414 §3.3): otherwise another party's keys could be trusted under this name.
 */
export async function discoverJwksUri(
  issuer: string,
  fetchFn: FetchLike = fetch,
): Promise<{ jwksUri: string; metadataUrl: string }> {
  for (const url of metadataUrls(issuer)) {
    const meta = await getJson(fetchFn, url, "issuer");
    if (!meta) continue;
    if (meta.issuer !== issuer)
      throw new DomainError(
        "invalid",
        `The metadata at ${url} names issuer ${JSON.stringify(meta.issuer)}, not ${issuer}`,
        "issuer",
      );
    if (typeof meta.jwks_uri !== "string")
      throw new DomainError("invalid", `The metadata at ${url} has no jwks_uri`, "issuer");
    return { jwksUri: meta.jwks_uri, metadataUrl: url };
  }
  throw new DomainError("invalid", `No OpenID Connect or RFC 8414 metadata found for ${issuer}`, "issuer");
}

export interface PublishedKey {
  kid: string | null;
  kty: string;
  alg: string | null;
  use: string | null;
}

/** Fetches a JWK Set and lists its public keys (what the console's "test" shows). */
export async function fetchJwks(jwksUri: string, fetchFn: FetchLike = fetch): Promise<unknown> {
  const body = await getJson(fetchFn, jwksUri, "jwksUri");
  if (!body) throw new DomainError("invalid", `${jwksUri} answered 404`, "jwksUri");
  return body;
}

/** The keys of a JWK Set, checked to be public: a set that carries private key material is refused. */
export function describeKeys(jwks: unknown, field = "jwks"): PublishedKey[] {
  const keys = typeof jwks === "object" && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new DomainError("invalid", 'A JWK Set needs a non-empty "keys" array', field);
  return keys.map((k: unknown) => {
    if (typeof k !== "object" || k === null) throw new DomainError("invalid", "Every key must be a JSON object", field);
    const key = k as Record<string, unknown>;
    if (typeof key.kty !== "string") throw new DomainError("invalid", "Every key needs a kty", field);
    if ("d" in key || "p" in key || "k" in key)
      throw new DomainError(
        "invalid",
        "The JWK Set contains private or symmetric key material; give only public keys",
        field,
      );
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    return { kid: str(key.kid), kty: key.kty, alg: str(key.alg), use: str(key.use) };
  });
}
