import { isAudited, mintWriterOf } from "@/lib/tokens/mint-writer";
import type { Refusal } from "@/lib/tokens/record-refusal";
import type { ClaimedClient } from "./client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "./context";
import { OAuthError, refusalOf, serializeOAuthError } from "./errors";

/**
 * The one exit for a refused protocol request: record `token.refused` with the
 * error code and description, then answer with the serialized error. A failed
 * audit write is logged, never turned into a success.
 */
export async function refuse(ctx: OAuthContext, req: OAuthRequest, err: unknown, endpoint: Refusal["endpoint"], claimed: ClaimedClient, grantType: string | null): Promise<OAuthResponse> {
  if (!(err instanceof OAuthError && err.expose)) console.error(`mandate: ${endpoint} endpoint failed`, err);
  // A replay found at commit was audited with the batch it was found in.
  if (isAudited(err)) return serializeOAuthError(err);
  const { error, description } = refusalOf(err);
  const refusal: Refusal = { endpoint, error, description, grantType, clientId: claimed.clientId, agent: claimed.agent, clientAddress: req.clientAddress, requestId: req.requestId };
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
