import { isStoreUnavailable } from "@/lib/db/store-unavailable";
import { isAudited, mintWriterOf } from "@/lib/tokens/mint-writer";
import type { Refusal } from "@/lib/tokens/record-refusal";
import type { ClaimedClient, ClientAgent } from "./client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "./context";
import { InvalidTarget, OAuthError, refusalOf, serializeOAuthError } from "./errors";
import { flushAtShutdown, RefusalThrottle } from "./refusal-throttle";

/**
 * The one exit for a refused protocol request: record `token.refused` with the
 * error code and description, then answer with the serialized error. A failed
 * audit write is logged, never turned into a success. Refusals of requests
 * that did not authenticate (unknown clients, and known ones with wrong
 * credentials) beyond a per-address and client allowance are summarised, not
 * recorded one by one, so junk traffic cannot flood the audit trail.
 */
export async function refuse(
  ctx: OAuthContext,
  req: OAuthRequest,
  err: unknown,
  endpoint: Refusal["endpoint"],
  claimed: ClaimedClient,
  grantType: string | null,
): Promise<OAuthResponse> {
  if (!(err instanceof OAuthError) && isStoreUnavailable(err)) {
    // The store is not answering: this refusal cannot be recorded (waiting to try would only delay the answer).
    console.error(
      `mandate: ${endpoint} endpoint: database unavailable (${err instanceof Error ? err.message : String(err)})`,
    );
    return serializeOAuthError(err);
  }
  if (!(err instanceof OAuthError && err.expose)) console.error(`mandate: ${endpoint} endpoint failed`, err);
  // A replay found at commit was audited with the batch it was found in.
  if (isAudited(err)) return serializeOAuthError(err);
  const { error, description } = refusalOf(err);
  // A refusal its sender did not authenticate for costs them nothing, even when it names a known client: bounded per
  // address and client (see RefusalThrottle).
  if (
    !claimed.authenticated &&
    !throttleOf(ctx).admit(
      req.clientAddress ?? null,
      error,
      claimed.agent?.clientId ?? null,
      claimed.agent ?? undefined,
    )
  ) {
    return serializeOAuthError(err);
  }
  const refusal: Refusal = {
    endpoint,
    error,
    description,
    grantType,
    clientId: claimed.clientId,
    agent: claimed.agent,
    clientAddress: req.clientAddress,
    requestId: req.requestId,
    ...(err instanceof InvalidTarget && err.unregisteredResource
      ? { unregisteredResource: err.unregisteredResource }
      : {}),
  };
  try {
    // With the request's pending claims: a client assertion is spent even when the grant is refused,
    // and if it had been spent before, that replay is the refusal.
    const replayed = await mintWriterOf(ctx.db).refuse(refusal, claimed.pendingJtis ?? []);
    if (replayed) return serializeOAuthError(replayed);
  } catch (auditErr) {
    console.error("mandate: could not record a token refusal", auditErr);
  }
  return serializeOAuthError(err);
}

const throttles = new WeakMap<object, RefusalThrottle<ClientAgent>>();

function throttleOf(ctx: OAuthContext): RefusalThrottle<ClientAgent> {
  let throttle = throttles.get(ctx.db);
  if (!throttle) {
    const writer = mintWriterOf(ctx.db);
    throttle = flushAtShutdown(
      new RefusalThrottle<ClientAgent>((s) => {
        const who = s.subject ? `unauthenticated requests naming client ${s.subject}` : "unidentified clients";
        const refusal: Refusal = {
          endpoint: "token",
          error: s.error,
          clientAddress: s.clientAddress,
          clientId: s.subject ?? null,
          agent: s.about ?? null,
          description: `${s.count} further refusals (${s.error}) of ${who} ${s.clientAddress ? "from this address" : "from many addresses"} in the last ${s.windowSeconds}s, recorded as this one event`,
        };
        return writer
          .refuse(refusal, [])
          .catch((e: unknown) => console.error("mandate: could not record suppressed refusals", e));
      }),
    );
    throttles.set(ctx.db, throttle);
  }
  return throttle;
}
