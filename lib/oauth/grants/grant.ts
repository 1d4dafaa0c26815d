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
}

/** One grant type: its name, the parameters it reads, and its handler. */
export interface Grant {
  type: string;
  parameters: readonly string[];
  handle(input: GrantInput): Promise<OAuthResponse>;
}

/** Access-token lifetime: the agent's own cap, the service cap, the entitlement's session, whichever is shortest. */
export function accessTokenLifetime(input: GrantInput, maxSessionSeconds: number): number {
  return Math.max(1, Math.min(input.agent.maxTokenLifetimeSeconds, input.ctx.settings.accessTokenMaxSeconds, maxSessionSeconds));
}
