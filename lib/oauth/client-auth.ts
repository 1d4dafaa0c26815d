import { createHash, timingSafeEqual } from "node:crypto";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from "jose";
import type { Db } from "@/lib/db/client";
import { clientRow, type ClientRow } from "@/lib/db/stores/access";
import { jsonColumnValue } from "@/lib/db/raw-values";
import { clientWithOwnAccess, type EffectiveAccess } from "@/lib/entitlements/effective-access";
import { replayError, type JtiClaim } from "@/lib/tokens/mint-batch";
import type { OAuthContext, OAuthRequest } from "./context";
import { headerOf } from "./context";
import { CLIENT_ASSERTION_ALGS, CLIENT_ASSERTION_TYPE_JWT } from "./defaults";
import { InvalidClient, InvalidRequest } from "./errors";
import type { FormParams } from "./form-body";
import { describeJoseError } from "./jose-errors";
import { SecretAttempts } from "./secret-attempts";
import { consumeJti } from "./seen-jti";

/** A registered client (an agent) as authentication reads it. */
export type ClientAgent = ClientRow;

export type ClientAuthMethod = ClientAgent["authMethod"];

/** Who is asking, as far as the request tells before authentication: for refusal audits. */
export interface ClaimedClient {
  clientId: string | null;
  agent: ClientAgent | null;
  /**
   * When present, a client assertion's jti is not recorded at once but added
   * here, to be recorded with the request's outcome in the same transaction
   * (the token endpoint's group commit); otherwise it is recorded right away.
   */
  pendingJtis?: JtiClaim[];
  /** Set once the client proved who it is: its refusals are then its own, audited one by one. */
  authenticated?: boolean;
}

const secretAttempts = new WeakMap<object, SecretAttempts>();

function secretAttemptsOf(ctx: OAuthContext): SecretAttempts {
  let attempts = secretAttempts.get(ctx.db);
  if (!attempts) secretAttempts.set(ctx.db, (attempts = new SecretAttempts()));
  return attempts;
}

/** A registered client found by client_id, with whatever its lookup read alongside it. */
export interface FoundClient {
  agent: ClientAgent;
  /** What the agent reaches on its own, when the lookup read it with the client (client_credentials). */
  ownAccess?: EffectiveAccess;
}

/** Looks up a registered client by client_id; null when there is none. */
export type ClientLookup = (clientId: string) => Promise<FoundClient | null>;

/** The registered client, read fresh on every request (a suspension counts from the next one). */
export async function findClient(db: Db, clientId: string): Promise<ClientAgent | null> {
  return clientRow(db, clientId);
}

const clientAlone =
  (db: Db): ClientLookup =>
  async (clientId) => {
    const agent = await findClient(db, clientId);
    return agent ? { agent } : null;
  };

/**
 * The same lookup, reading with the client what its agent reaches on its own
 * (client_credentials decides on exactly that): one statement instead of two.
 */
export function clientWithOwnAccessLookup(db: Db, now: Date): ClientLookup {
  return async (clientId) => {
    const both = await clientWithOwnAccess(db, clientId, now);
    if (!both) return clientAlone(db)(clientId);
    return { agent: both.client, ownAccess: both.access };
  };
}

// Imported keys of each agent's registered JWK Set, reused while the set is unchanged:
// importing a key costs more than verifying with it.
const keySets = new Map<string, { source: string; set: ReturnType<typeof createLocalJWKSet> }>();

function registeredKeys(agent: ClientAgent): ReturnType<typeof createLocalJWKSet> {
  const source = typeof agent.jwks === "string" ? agent.jwks : JSON.stringify(agent.jwks);
  const hit = keySets.get(agent.id);
  if (hit && hit.source === source) return hit.set;
  const set = createLocalJWKSet(jsonColumnValue(agent.jwks) as JSONWebKeySet);
  if (keySets.size > 10_000) keySets.clear();
  keySets.set(agent.id, { source, set });
  return set;
}

/** Parameters that belong to client authentication, not to the grant. */
export const CLIENT_AUTH_PARAMS = ["client_id", "client_secret", "client_assertion", "client_assertion_type"] as const;

/**
 * Authenticates the calling agent (RFC 6749 §2.3, RFC 7523 §3 / OIDC Core
 * §9 private_key_jwt). Exactly one method per request, and it must be the one
 * the agent is registered with; suspended and retired agents never pass.
 * `claimed` is filled as soon as the client is known, so a refusal can be
 * attributed in the audit trail. `lookup` finds the registered client (by
 * default, its row alone); what it read is returned with the agent.
 */
export async function authenticateClient(
  ctx: OAuthContext,
  req: OAuthRequest,
  form: FormParams,
  claimed: ClaimedClient,
  lookup: ClientLookup = clientAlone(ctx.db),
  /** allowPublic: this endpoint serves public clients (the token endpoint's interactive grants, revocation). */
  opts: { allowPublic?: boolean } = {},
): Promise<FoundClient> {
  const authorization = headerOf(req, "authorization");
  const usedBasic = authorization !== undefined && /^basic /i.test(authorization);
  const presented: ClientAuthMethod[] = [];
  if (usedBasic) presented.push("client_secret_basic");
  if (form.has("client_secret")) presented.push("client_secret_post");
  if (form.has("client_assertion") || form.has("client_assertion_type")) presented.push("private_key_jwt");
  if (presented.length > 1) throw new InvalidRequest("more than one client authentication method");
  // RFC 6749 §2.1: a public client (an interactive client registered with method none) only names itself.
  const method = presented[0] ?? (form.has("client_id") && opts.allowPublic ? "none" : undefined);
  if (!method) throw new InvalidClient("client authentication required", authorization !== undefined);

  let clientId: string;
  let secret: string | null = null;
  if (method === "client_secret_basic") {
    [clientId, secret] = basicCredentials(authorization ?? "");
    if (form.has("client_id") && form.get("client_id") !== clientId)
      throw new InvalidRequest("client_id differs from the Authorization header");
  } else if (method === "none") {
    clientId = form.get("client_id") ?? "";
  } else if (method === "client_secret_post") {
    clientId = form.get("client_id") ?? "";
    secret = form.get("client_secret") ?? "";
    if (!clientId) throw new InvalidClient("client_id required");
  } else {
    if (form.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE_JWT)
      throw new InvalidRequest(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE_JWT}`);
    const assertion = form.get("client_assertion");
    if (!assertion) throw new InvalidRequest("client_assertion required");
    let iss: unknown;
    try {
      iss = decodeJwt(assertion).iss; // unverified: only to find whose keys verify it
    } catch {
      throw new InvalidClient("client_assertion is not a JWT");
    }
    if (typeof iss !== "string" || !iss) throw new InvalidClient("client_assertion has no iss");
    clientId = form.get("client_id") ?? iss;
    if (clientId !== iss) throw new InvalidClient("client_id differs from the assertion's iss");
  }
  claimed.clientId = clientId;

  const found = await lookup(clientId);
  if (!found) throw new InvalidClient("unknown client", usedBasic);
  const { agent } = found;
  claimed.agent = agent;
  if (agent.status !== "active") throw new InvalidClient(`client is ${agent.status}`, usedBasic);
  if (agent.authMethod !== method)
    throw new InvalidClient(`client is registered for ${agent.authMethod}, not ${method}`, usedBasic);

  if (method === "private_key_jwt")
    await verifyClientAssertion(ctx, agent, form.get("client_assertion") ?? "", claimed.pendingJtis);
  else if (method !== "none") {
    const attempts = secretAttemptsOf(ctx);
    const address = req.clientAddress ?? null;
    if (!attempts.allowed(agent.clientId, address))
      throw new InvalidClient("too many wrong client secrets from this address; not checked", usedBasic);
    try {
      verifySecret(agent, secret ?? "", usedBasic);
    } catch (e) {
      attempts.failed(agent.clientId, address);
      throw e;
    }
    attempts.succeeded(agent.clientId, address);
  }
  // A public client (method none) proves nothing: its refusals stay bounded like a stranger's.
  if (method !== "none") claimed.authenticated = true;
  return found;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ":" and base64-encoded. */
function basicCredentials(header: string): [string, string] {
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) throw new InvalidClient("malformed Basic credentials", true);
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return [unform(decoded.slice(0, colon)), unform(decoded.slice(colon + 1))];
  } catch {
    throw new InvalidClient("malformed Basic credentials", true);
  }
}

function verifySecret(agent: ClientAgent, secret: string, usedBasic: boolean): void {
  if (!agent.clientSecretHash || !/^[0-9a-f]{64}$/i.test(agent.clientSecretHash))
    throw new InvalidClient("client has no secret", usedBasic);
  // Secrets are high-entropy, so one sha256 suffices; the compare is constant-time.
  const presented = createHash("sha256").update(secret, "utf8").digest();
  if (!timingSafeEqual(presented, Buffer.from(agent.clientSecretHash, "hex")))
    throw new InvalidClient("invalid client secret", usedBasic);
}

async function verifyClientAssertion(
  ctx: OAuthContext,
  agent: ClientAgent,
  assertion: string,
  pendingJtis: JtiClaim[] | undefined,
): Promise<void> {
  const keys = agent.jwks ? registeredKeys(agent) : agent.jwksUri ? ctx.remoteJwks.get(agent.jwksUri) : null;
  if (!keys) throw new InvalidClient("client has no registered keys");
  const now = Date.now();
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, keys, {
      algorithms: [...CLIENT_ASSERTION_ALGS],
      issuer: agent.clientId,
      subject: agent.clientId,
      requiredClaims: ["exp", "jti"],
      clockTolerance: ctx.settings.clockSkewSeconds,
      currentDate: new Date(now),
    }));
  } catch (e) {
    throw new InvalidClient(`client_assertion rejected: ${describeJoseError(e)}`);
  }
  // RFC 7523bis: the audience is the issuer identifier itself, as a single string — not the
  // token endpoint URL, not an array a token for someone else could also satisfy.
  if (payload.aud !== ctx.issuer) throw new InvalidClient("client_assertion aud must be the issuer identifier");
  const exp = payload.exp ?? 0;
  if (exp * 1000 > now + (ctx.settings.clientAssertionMaxSeconds + ctx.settings.clockSkewSeconds) * 1000) {
    throw new InvalidClient(`client_assertion exp is more than ${ctx.settings.clientAssertionMaxSeconds}s ahead`);
  }
  // RFC 7523 §3 lets iat be checked: one issued in the future, or meant to live longer than an assertion may, was not
  // made for this request (jose checks iat only against a maxTokenAge, which would make iat required).
  if (payload.iat !== undefined) {
    if (payload.iat * 1000 > now + ctx.settings.clockSkewSeconds * 1000)
      throw new InvalidClient("client_assertion iat is in the future");
    if (exp - payload.iat > ctx.settings.clientAssertionMaxSeconds) {
      throw new InvalidClient(
        `client_assertion lifetime (exp - iat) is more than ${ctx.settings.clientAssertionMaxSeconds}s`,
      );
    }
  }
  const key = `client_assertion:${agent.clientId}:${payload.jti}`;
  const expiresAt = new Date((exp + ctx.settings.clockSkewSeconds) * 1000);
  const replay = { error: "invalid_client", description: "client_assertion replayed (jti already used)" } as const;
  if (pendingJtis) pendingJtis.push({ key, expiresAt, replay });
  else if (!(await consumeJti(ctx.db, key, expiresAt))) throw replayError(replay);
}
