import type { Revocation } from "./revocation-bus";

/**
 * Responses the gateway is still relaying (SSE answers, GET streams), by the
 * session and token they were authorised for. A revocation is checked when a
 * request arrives; without this registry a stream opened earlier would keep
 * flowing after its session was revoked.
 */
export class OpenStreams {
  private readonly bySession = new Map<string, Set<() => void>>();
  private readonly byJti = new Map<string, Set<() => void>>();

  /** Registers a stream's `close`; call the returned function when the stream ends by itself. */
  add(sessionId: string, jti: string, close: () => void): () => void {
    const put = (m: Map<string, Set<() => void>>, k: string) => {
      let set = m.get(k);
      if (!set) m.set(k, (set = new Set()));
      set.add(close);
    };
    const drop = (m: Map<string, Set<() => void>>, k: string) => {
      const set = m.get(k);
      set?.delete(close);
      if (set?.size === 0) m.delete(k);
    };
    put(this.bySession, sessionId);
    put(this.byJti, jti);
    return () => {
      drop(this.bySession, sessionId);
      drop(this.byJti, jti);
    };
  }

  /** Closes every stream the revocation covers. */
  revoke(r: Revocation): void {
    const set = "sessionId" in r ? this.bySession.get(r.sessionId) : this.byJti.get(r.jti);
    for (const close of [...(set ?? [])]) close();
  }

  get size(): number {
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }
}
