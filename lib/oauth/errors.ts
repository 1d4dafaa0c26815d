import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@/lib/db/store-unavailable";

/**
 * The token service's one error family (RFC 6749 §5.2, RFC 8693 §2.2.2,
 * RFC 8707 §2, RFC 9470 §3). Each subclass fixes its status and code; one
 * serializer turns any thrown value into the wire response, exposing detail
 * only for deliberate (status < 500) errors.
 */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;
  /** Extra top-level response members (e.g. max_age). */
  readonly extra: Record<string, string | number>;
  /**
   * What the wire says, when it must say less than the audit trail (the
   * message): node-oidc-provider's `error_description` beside its private
   * `error_detail` (lib/helpers/errors.js).
   */
  protected publicDescription?: string;
  constructor(
    status: number,
    error: string,
    description: string,
    extra: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = "OAuthError";
    this.status = status;
    this.error = error;
    this.extra = extra;
    this.headers = headers;
  }
  get expose(): boolean {
    return this.status < 500;
  }
  /** The error_description sent to the caller. */
  get wireDescription(): string {
    return this.publicDescription ?? this.message;
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string, status = 400) {
    super(status, "invalid_request", description);
  }
}

/** The one description every failed client authentication gets on the wire. */
export const CLIENT_AUTH_FAILED = "client authentication failed";

export class InvalidClient extends OAuthError {
  /**
   * RFC 6749 §5.2: a client that tried HTTP Basic gets a Basic challenge back.
   * `detail` (unknown client, suspended, wrong secret …) goes to the audit
   * trail only: on the wire, a stranger learns neither whether a client exists
   * nor what state it is in.
   */
  constructor(detail: string, usedBasic = false) {
    super(
      401,
      "invalid_client",
      detail,
      {},
      usedBasic ? { "www-authenticate": 'Basic realm="mandate", charset="UTF-8"' } : {},
    );
    this.publicDescription = CLIENT_AUTH_FAILED;
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super(400, "invalid_grant", description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super(400, "invalid_scope", description);
  }
}

/** RFC 8707 §2: the resource is unknown, or not one this client may reach. */
export class InvalidTarget extends OAuthError {
  /**
   * Set when the resource is not registered at all: `token.refused` records it, so an MCP server agents try to
   * reach is seen on the coverage map as unmanaged (lib/coverage/coverage-map.ts). Never sent to the client.
   */
  readonly unregisteredResource?: string;
  constructor(description: string, unregisteredResource?: string) {
    super(400, "invalid_target", description);
    this.unregisteredResource = unregisteredResource;
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super(400, "unsupported_grant_type", description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super(400, "unauthorized_client", description);
  }
}

/**
 * RFC 9470 §3 as the ID-JAG draft uses it at the token endpoint: the user's
 * authentication is too old; `max_age` tells the client how fresh it must be.
 */
export class InsufficientUserAuthentication extends OAuthError {
  constructor(description: string, maxAgeSeconds: number) {
    super(400, "insufficient_user_authentication", description, { max_age: maxAgeSeconds });
  }
}

/**
 * The store did not answer (lib/db/store-unavailable.ts): nothing was decided, and the same request may succeed
 * shortly. RFC 6749 defines `temporarily_unavailable` (§4.1.2.1) for this condition; the token endpoint uses it with
 * 503 and `Retry-After` (RFC 9110 §10.2.3) rather than a bare `server_error`.
 */
export class TemporarilyUnavailable extends OAuthError {
  constructor(retryAfterSeconds: number, description = "the service cannot reach its database; retry shortly") {
    super(503, "temporarily_unavailable", description, {}, { "retry-after": String(retryAfterSeconds) });
  }
  override get expose(): boolean {
    return true;
  }
}

export class ServerError extends OAuthError {
  constructor(description = "internal error") {
    super(500, "server_error", description);
  }
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The one way an error leaves the token service. Unknown errors become a detail-free server_error. */
export function serializeOAuthError(err: unknown): WireResponse {
  const e =
    err instanceof OAuthError && err.expose
      ? err
      : isStoreUnavailable(err)
        ? new TemporarilyUnavailable(STORE_RETRY_AFTER_SECONDS)
        : new ServerError();
  const body = e.expose
    ? { error: e.error, error_description: e.wireDescription, ...e.extra }
    : { error: "server_error", error_description: "internal error" };
  return {
    status: e.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      pragma: "no-cache",
      ...e.headers,
    },
    body: JSON.stringify(body),
  };
}

/** The refusal code and description recorded in the audit trail (unexposed errors are recorded as server_error). */
export function refusalOf(err: unknown): { error: string; description: string } {
  if (!(err instanceof OAuthError) && isStoreUnavailable(err))
    return {
      error: "temporarily_unavailable",
      description: err instanceof Error ? err.message.slice(0, 500) : "database unavailable",
    };
  if (err instanceof OAuthError && err.expose) return { error: err.error, description: err.message };
  return { error: "server_error", description: err instanceof Error ? err.message.slice(0, 500) : "internal error" };
}
