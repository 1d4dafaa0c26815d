import { EventEmitter } from "node:events";

/** What was revoked: a whole session, or one token by its jti. */
export type Revocation = { sessionId: string } | { jti: string };

// One bus per process: the console (Next, whose dev server re-evaluates
// modules) and the gateway share the process, so it lives on globalThis.
const holder = globalThis as unknown as { __mandateRevocationBus?: EventEmitter };
const bus = (holder.__mandateRevocationBus ??= new EventEmitter().setMaxListeners(0));

/**
 * In-process revocation announcements. Whoever revokes through the one
 * revocation path (lib/sessions/revoke-live-sessions.ts: the console, the
 * API, /oauth/revoke, reviews, directory sync, expiry) announces after commit
 * — `onRevoked` for a session, `onTokenRevoked` for one token — so this
 * process's gateway refuses it at once instead of at its next poll; other
 * processes learn it from NOTIFY or the catch-up read of the revocation log.
 */
export const revocationBus = {
  onRevoked(sessionId: string): void {
    bus.emit("revoked", { sessionId } satisfies Revocation);
  },
  onTokenRevoked(jti: string): void {
    bus.emit("revoked", { jti } satisfies Revocation);
  },
  subscribe(listener: (r: Revocation) => void): () => void {
    bus.on("revoked", listener);
    return () => bus.off("revoked", listener);
  },
};
