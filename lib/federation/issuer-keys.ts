import { createLocalJWKSet, type JSONWebKeySet } from "jose";
import type { RemoteJwks } from "@/lib/oauth/remote-jwks";

type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<RemoteJwks["get"]>;

// Imported keys of each issuer's static JWK Set, reused while the set is unchanged.
const staticSets = new Map<string, { source: string; set: KeySet }>();

export interface IssuerKeySource {
  id: string;
  jwksUri: string | null;
  /** A static JWK Set (parsed), used instead of jwksUri. */
  jwks: unknown;
}

/**
 * The keys that verify an issuer's JWTs: its static JWK Set, or its jwks_uri
 * through jose's remote set (cached, refetched on an unknown `kid` under a
 * cooldown, so a key rotation at the issuer is followed without a restart).
 */
export function issuerKeys(remote: RemoteJwks, issuer: IssuerKeySource): KeySet | null {
  if (issuer.jwks) {
    const source = JSON.stringify(issuer.jwks);
    const hit = staticSets.get(issuer.id);
    if (hit && hit.source === source) return hit.set;
    const set = createLocalJWKSet(issuer.jwks as JSONWebKeySet);
    if (staticSets.size > 1000) staticSets.clear();
    staticSets.set(issuer.id, { source, set });
    return set;
  }
  return issuer.jwksUri ? remote.get(issuer.jwksUri) : null;
}
