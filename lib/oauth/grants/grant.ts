import type { EffectiveAccess } from "@/lib/entitlements/effective-access";
import { mintWriterOf } from "@/lib/tokens/mint-writer";
import type { MintRequest, JtiClaim } from "@/lib/tokens/mint-batch";
import type { MintRecord } from "@/lib/tokens/record-mint";
import type { ClientAgent } from "../client-auth";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "../context";
import type { FormParams } from "../form-body";

export interface GrantInput {
  ctx: OAuthContext;
  req: OAuthRequest;
  form: FormParams;
  /** The authenticated client. */
  agent: ClientAgent;
  now: Date;
  /** Single-use values this request consumes, recorded with its outcome (see MintWriter). */
  claims: JtiClaim[];
  /** What the agent reaches on its own, when it was read with the client (client_credentials); otherwise the grant reads it. */
  ownAccess?: EffectiveAccess;
}

/** One grant type: its name and its handler. */
export interface Grant {
  type: string;
  handle(input: GrantInput): Promise<OAuthResponse>;
}

/** Access-token lifetime: the agent's own cap, the service cap, the entitlement's session, whichever is shortest. */
export function accessTokenLifetime(input: GrantInput, maxSessionSeconds: number): number {
  return Math.max(
    1,
    Math.min(input.agent.maxTokenLifetimeSeconds, input.ctx.settings.accessTokenMaxSeconds, maxSessionSeconds),
  );
}

/**
 * The durable half of a mint — session created or extended, issued-token row,
 * `token.minted`, and the request's single-use claims — committed with other
 * requests' in one transaction before this resolves. The token is signed
 * after, so no token exists that the store does not know about.
 */
export function recordGrantMint(
  input: GrantInput,
  mint: Omit<MintRequest, "agent" | "now" | "clientAddress" | "requestId">,
): Promise<MintRecord> {
  const { now, req, ctx } = input;
  // Only what the records name: the batch is copied to the store's write thread (keys and secret hashes stay here).
  const agent = { id: input.agent.id, clientId: input.agent.clientId, name: input.agent.name };
  return mintWriterOf(ctx.db).mint(
    { ...mint, agent, now, clientAddress: req.clientAddress, requestId: req.requestId },
    input.claims,
    {
      endpoint: "token",
      grantType: mint.grantType,
      clientId: agent.clientId,
      agent,
      clientAddress: req.clientAddress,
      requestId: req.requestId,
    },
  );
}
