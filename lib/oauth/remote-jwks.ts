import { createRemoteJWKSet } from "jose";

type RemoteSet = ReturnType<typeof createRemoteJWKSet>;

/**
 * One jose remote JWK Set per URI, shared by every request: jose caches the
 * keys, refetches on an unknown kid (with a cooldown) and times out slow
 * servers, so a busy agent costs one fetch, not one per token request.
 */
export class RemoteJwks {
  private readonly sets = new Map<string, RemoteSet>();
  constructor(
    private readonly options: { timeoutDuration?: number; cooldownDuration?: number; cacheMaxAge?: number } = {},
  ) {}

  get(uri: string): RemoteSet {
    let set = this.sets.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: 3000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
        ...this.options,
      });
      this.sets.set(uri, set);
    }
    return set;
  }
}
