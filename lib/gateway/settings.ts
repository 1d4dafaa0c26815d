/**
 * Every tunable of the gateway in one place, each with the reason for its
 * value. Values come from the environment once, at construction.
 */
export interface GatewaySettings {
  /** Request bodies larger than this are refused (413) before any forwarding. */
  maxBodyBytes: number;
  /** How often the revocation state polls the store for new revocations. */
  revocationPollMs: number;
  /**
   * Fail closed: when no catch-up read that began within this long has
   * succeeded, every request is refused (503) — a stale state could be
   * missing a revocation. This is the bound on "revocation takes effect
   * everywhere within a second", whether or not notifications arrive.
   */
  revocationStaleAfterMs: number;
  /**
   * Each poll re-reads revocations this far before the previous poll's start:
   * a revocation stamped with an earlier clock, or committed after our read,
   * is still seen. Re-reading is idempotent.
   */
  revocationOverlapMs: number;
  /** A verified token is trusted without re-checking its signature for at most this long (never past its exp). */
  tokenCacheMs: number;
  /** Server configuration (upstream, approved tools, scopes) is re-read this often: approvals apply within it. */
  directoryTtlMs: number;
  /** Audit events and session counters are written in one transaction at least this often. */
  auditFlushMs: number;
  /** …or as soon as this many events are pending (one chain append and one multi-row insert per batch). */
  auditBatchSize: number;
  /**
   * Back-pressure: with this many audit events not yet written, new tool
   * calls are refused (503) instead of forwarded — a call must not run if its
   * event might never be written. ~10 s of calls at a few thousand per second.
   */
  auditMaxBacklog: number;
  /** tools/list answers are buffered to be filtered; larger ones are refused (502). */
  maxListBytes: number;
  /**
   * Browser origins allowed to call the gateway (CORS) — MANDATE_GATEWAY_ALLOWED_ORIGINS,
   * comma-separated `scheme://host[:port]`. A request whose Origin is present and not listed is refused
   * with 403 (MCP Streamable HTTP: servers MUST validate Origin against DNS rebinding); requests without
   * Origin (non-browser agents) are not affected. Empty by default: no browser origin is trusted.
   */
  allowedOrigins: ReadonlySet<string>;
}

/** `scheme://host[:port]` as browsers send it in Origin (default ports dropped, host lower-cased); null when not an origin. */
export function normalizeOrigin(value: string): string | null {
  const v = value.trim();
  if (v === "null") return "null";
  try {
    const url = new URL(v);
    if (url.origin === "null" || url.pathname !== "/" || url.search || url.hash || url.username || url.password)
      return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function parseAllowedOrigins(raw: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const entry of (raw ?? "").split(",")) {
    if (entry.trim() === "") continue;
    const origin = normalizeOrigin(entry);
    if (!origin)
      throw new Error(`MANDATE_GATEWAY_ALLOWED_ORIGINS: "${entry.trim()}" is not an origin (scheme://host[:port])`);
    out.add(origin);
  }
  return out;
}

export function gatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    maxBodyBytes: 1024 * 1024,
    revocationPollMs: num("MANDATE_GATEWAY_REVOCATION_POLL_MS", 250),
    revocationStaleAfterMs: num("MANDATE_GATEWAY_REVOCATION_STALE_MS", 1000),
    revocationOverlapMs: 5000,
    tokenCacheMs: 30_000,
    directoryTtlMs: num("MANDATE_GATEWAY_DIRECTORY_TTL_MS", 2000),
    // A batch is one driver transaction (lib/db/stores/tool-calls/), cheap enough to run
    // every 20 ms: on SQLite a batch holds the event loop while it writes, so small batches keep the calls
    // waiting behind it short (bench:gateway measures it), and 20 ms bounds
    // what a crash (not a stop) can lose.
    auditFlushMs: num("MANDATE_GATEWAY_AUDIT_FLUSH_MS", 20),
    auditBatchSize: 512,
    auditMaxBacklog: num("MANDATE_GATEWAY_AUDIT_MAX_BACKLOG", 20_000),
    maxListBytes: 8 * 1024 * 1024,
    allowedOrigins: parseAllowedOrigins(env.MANDATE_GATEWAY_ALLOWED_ORIGINS),
  };
}
