import { readFileSync } from "node:fs";
import {
  interactiveClientMetadataSchema,
  metadataProblem,
  type InteractiveClientMetadata,
} from "@/lib/interactive/client-metadata";
import { safeFetch, SafeFetchError, type SafeFetchLimits } from "@/lib/interactive/safe-fetch";

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
 * as the MCP authorization specification 2025-11-25 uses them): a client
 * whose client_id is an HTTPS URL is described by the JSON document at that
 * URL. Mandate fetches it (SSRF-guarded, bounded, no redirects), checks it,
 * and caches it as its HTTP headers allow, within bounds.
 */
export interface ClientMetadataDocumentSettings extends SafeFetchLimits {
  /** Cache lifetime bounds in seconds, whatever the document's headers say. */
  minCacheSeconds: number;
  maxCacheSeconds: number;
}

export function clientMetadataDocumentSettings(env: NodeJS.ProcessEnv = process.env): ClientMetadataDocumentSettings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    allowPrivateHosts: (env.MANDATE_CIMD_ALLOW_PRIVATE_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    timeoutMs: num("MANDATE_CIMD_TIMEOUT_MS", 5000),
    // The draft recommends a small limit (5 KB); real documents are a few hundred bytes.
    maxBytes: num("MANDATE_CIMD_MAX_BYTES", 5 * 1024),
    minCacheSeconds: 30,
    maxCacheSeconds: 24 * 3600,
    // An internal CA that signs client metadata hosts, besides the system's (PEM file).
    ...(env.MANDATE_CIMD_CA_FILE ? { ca: readFileSync(env.MANDATE_CIMD_CA_FILE, "utf8") } : {}),
  };
}

export class ClientMetadataDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClientMetadataDocumentError";
  }
}

/**
 * Is this client_id meant as a metadata document URL? (Draft §3: https, a
 * path, no fragment, no credentials, no dot segments.) Returns why not, for
 * URLs that try and fail; null when it is a valid one.
 */
export function clientIdUrlProblem(clientId: string): string | null {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must use https";
  if (url.pathname === "/" || url.pathname === "") return "must have a path";
  if (clientId.includes("#")) return "must not contain a fragment";
  if (url.username || url.password) return "must not contain credentials";
  if (/(^|\/)\.{1,2}(\/|$)/.test(clientId.slice(clientId.indexOf("//") + 2))) return "must not contain dot segments";
  if (clientId.length > 2000) return "is too long";
  return null;
}

/** A client id that looks like a URL is treated as one (and refused as one when invalid). */
export const looksLikeClientIdUrl = (clientId: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(clientId);

interface Cached {
  metadata: InteractiveClientMetadata;
  until: number;
}

const cache = new Map<string, Cached>();
const MAX_CACHED = 1000;

/** Seconds the response may be reused (RFC 9111 max-age / Expires), within the settings' bounds. */
export function cacheSecondsOf(
  headers: Record<string, string | string[] | undefined>,
  s: Pick<ClientMetadataDocumentSettings, "minCacheSeconds" | "maxCacheSeconds">,
  now = Date.now(),
): number {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  const cc = (header("cache-control") ?? "").toLowerCase();
  let seconds: number | null = null;
  if (/(^|,)\s*(no-store|no-cache)\b/.test(cc)) seconds = 0;
  else {
    const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(cc);
    if (maxAge) seconds = Number(maxAge[1]);
    else {
      const expires = header("expires");
      const at = expires ? Date.parse(expires) : NaN;
      if (Number.isFinite(at)) seconds = Math.floor((at - now) / 1000);
    }
  }
  return Math.min(s.maxCacheSeconds, Math.max(s.minCacheSeconds, seconds ?? 300));
}

/** Forgets every cached document (tests; a console "refresh metadata" would too). */
export function clearClientMetadataCache(): void {
  cache.clear();
}

/**
 * The checked metadata of the client whose id is this URL. Throws
 * ClientMetadataDocumentError (the request is then refused as invalid_client)
 * when the URL is not a valid client id URL, the fetch is refused or fails,
 * or the document breaks the rules.
 */
export async function fetchClientMetadataDocument(
  clientId: string,
  settings: ClientMetadataDocumentSettings,
  now = Date.now(),
): Promise<InteractiveClientMetadata> {
  const problem = clientIdUrlProblem(clientId);
  if (problem) throw new ClientMetadataDocumentError(`client_id URL ${problem}`);
  const hit = cache.get(clientId);
  if (hit && hit.until > now) return hit.metadata;

  let res;
  try {
    res = await safeFetch(clientId, settings);
  } catch (e) {
    throw new ClientMetadataDocumentError(
      `client metadata document could not be fetched: ${e instanceof SafeFetchError ? e.message : "network error"}`,
    );
  }
  // Draft §4: 200 only (redirects are not followed), JSON only.
  if (res.status !== 200) throw new ClientMetadataDocumentError(`client metadata document answered HTTP ${res.status}`);
  const type = String(res.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type))
    throw new ClientMetadataDocumentError("client metadata document is not application/json");
  let doc: unknown;
  try {
    doc = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new ClientMetadataDocumentError("client metadata document is not valid JSON");
  }
  const metadata = checkDocument(doc, clientId);
  const seconds = cacheSecondsOf(res.headers, settings, now);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(clientId, { metadata, until: now + seconds * 1000 });
  return metadata;
}

/** Draft §4.1 and its security considerations, then RFC 7591's own rules. */
export function checkDocument(doc: unknown, clientId: string): InteractiveClientMetadata {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new ClientMetadataDocumentError("client metadata document is not a JSON object");
  const d = doc as Record<string, unknown>;
  if (d.client_id !== clientId)
    throw new ClientMetadataDocumentError("client metadata document's client_id is not its own URL");
  // No shared secret can exist with a client nobody registered.
  if ("client_secret" in d || "client_secret_expires_at" in d)
    throw new ClientMetadataDocumentError("client metadata document must not contain a client secret");
  const parsed = interactiveClientMetadataSchema.safeParse(d);
  if (!parsed.success)
    throw new ClientMetadataDocumentError(`client metadata document: ${metadataProblem(parsed.error)}`);
  if (parsed.data.token_endpoint_auth_method !== "none") {
    throw new ClientMetadataDocumentError(
      "client metadata document: token_endpoint_auth_method must be none (Mandate serves such clients as public clients)",
    );
  }
  return parsed.data;
}
