import type { Db } from "@/lib/db/client";
import type { KeyRing } from "@/lib/keys/key-ring";
import type { TokenServiceSettings } from "./defaults";
import type { RemoteJwks } from "./remote-jwks";

/** What every endpoint needs, built once per process (or per test). */
export interface OAuthContext {
  db: Db;
  /** RFC 8414 issuer identifier, without trailing slash. */
  issuer: string;
  keys: KeyRing;
  settings: TokenServiceSettings;
  remoteJwks: RemoteJwks;
}

/**
 * A protocol request as the endpoints see it: framework-free, so node:http,
 * a test or a future runtime can all feed it. The body is read lazily through
 * a size-limited reader, so an oversized body is a refusal like any other.
 */
export interface OAuthRequest {
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  readBody(): Promise<Buffer>;
  clientAddress?: string | null;
  requestId?: string | null;
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): OAuthResponse {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      pragma: "no-cache",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function headerOf(req: OAuthRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
