import { randomBytes } from "node:crypto";
import type { Agent } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { entitlementCatalog } from "@/lib/entitlements/entitlement-catalog";
import { recordAuthorizationRefusal } from "@/lib/interactive/authorization-audit";
import { matchesRegisteredRedirect, splitRedirectUris } from "@/lib/interactive/redirect-uris";
import {
  refreshInteractiveClientMetadata,
  registerInteractiveClient,
} from "@/lib/interactive/register-interactive-client";
import { authorizationSettings, requestedToolScopes } from "../authorization-settings";
import {
  ClientMetadataDocumentError,
  clientMetadataDocumentSettings,
  fetchClientMetadataDocument,
  looksLikeClientIdUrl,
  type ClientMetadataDocumentSettings,
} from "../client-metadata-document";
import type { OAuthContext, OAuthRequest, OAuthResponse } from "../context";
import { authorizationErrorPage, redirectWithError } from "../error-page";

/** RFC 7636 §4.1: 43–128 characters of the unreserved set; S256's base64url SHA-256 is always 43. */
const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Where the console's sign-in and consent screen take over (app/(auth)/authorize/[id]/page.tsx). */
export const consentPath = (id: string) => `/authorize/${id}`;

/** Refused without redirecting: shown to the person. */
class PageRefusal {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headline: string,
  ) {}
}

/** Refused back to the client's verified redirect URI. */
class RedirectRefusal {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {}
}

export interface AuthorizationEndpointOptions {
  clientMetadataDocuments?: ClientMetadataDocumentSettings;
}

/**
 * GET /oauth/authorize (RFC 6749 §4.1.1 as OAuth 2.1 and the MCP
 * authorization specification profile it). Validates the request on the
 * lean server, then hands the browser to the console, where the person signs
 * in and sees the one consent-by-policy screen (the console issues the code;
 * its session cookie never becomes an MCP token).
 *
 * Order (RFC 6749 §4.1.2.1): first what decides whether the redirect URI can
 * be trusted — client (registered, or its metadata document), its approval,
 * the redirect URI's exact match — each refused on a page; then the rest —
 * response type, PKCE S256, RFC 8707 resource — refused to the redirect URI
 * with `state` and `iss` (RFC 9207). Every refusal is audited.
 */
export async function authorizationEndpoint(
  ctx: OAuthContext,
  req: OAuthRequest,
  query: URLSearchParams,
  opts: AuthorizationEndpointOptions = {},
): Promise<OAuthResponse> {
  const now = new Date();
  const clientId = query.get("client_id");
  let agent: Agent | null = null;
  const state = query.get("state");
  let redirectUri: string | null = null;
  try {
    // RFC 6749 §3.1: parameters MUST NOT be included more than once.
    const names = [...query.keys()];
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated)
      throw new PageRefusal(
        400,
        "invalid_request",
        `parameter ${repeated.slice(0, 50)} is repeated`,
        "This sign-in link is not valid",
      );
    if (!clientId)
      throw new PageRefusal(400, "invalid_request", "client_id is required", "This sign-in link is not valid");

    agent = await resolveClient(
      ctx,
      req,
      clientId,
      opts.clientMetadataDocuments ?? clientMetadataDocumentSettings(),
      now,
    );
    if (agent.kind !== "interactive")
      throw new PageRefusal(
        400,
        "unauthorized_client",
        "this client obtains its tokens at the token endpoint, not through a browser",
        "This app cannot sign you in",
      );
    if (agent.status === "pending") {
      throw new PageRefusal(
        403,
        "unauthorized_client",
        `${agent.name} is waiting for an administrator's approval before anyone can use it`,
        "This app is not approved yet",
      );
    }
    if (agent.status !== "active")
      throw new PageRefusal(403, "unauthorized_client", `${agent.name} is ${agent.status}`, "This app is not allowed");

    const requested = query.get("redirect_uri");
    if (!requested)
      throw new PageRefusal(400, "invalid_request", "redirect_uri is required", "This sign-in link is not valid");
    if (!matchesRegisteredRedirect(requested, splitRedirectUris(agent.redirectUris))) {
      throw new PageRefusal(
        400,
        "invalid_request",
        "redirect_uri is not one of the client's registered redirect URIs",
        "This sign-in link is not valid",
      );
    }
    redirectUri = requested;

    // From here on the redirect URI is the client's own: errors go back to it.
    const responseType = query.get("response_type");
    if (!responseType) throw new RedirectRefusal("invalid_request", "response_type is required");
    if (responseType !== "code")
      throw new RedirectRefusal("unsupported_response_type", "only response_type=code is supported");
    if (!agent.allowedGrantTypes.split(" ").includes("authorization_code"))
      throw new RedirectRefusal("unauthorized_client", "client may not use the authorization code grant");
    const challenge = query.get("code_challenge");
    const method = query.get("code_challenge_method");
    // OAuth 2.1 §4.1.1: PKCE is required; "plain" (or no method, which means plain) is a downgrade.
    if (!challenge) throw new RedirectRefusal("invalid_request", "code_challenge is required (PKCE, RFC 7636)");
    if (method !== "S256") throw new RedirectRefusal("invalid_request", "code_challenge_method must be S256");
    if (!CODE_CHALLENGE.test(challenge)) throw new RedirectRefusal("invalid_request", "code_challenge is malformed");
    const resource = query.get("resource");
    if (!resource) throw new RedirectRefusal("invalid_target", "resource is required (RFC 8707)");
    const server = (await entitlementCatalog(ctx.db)).servers.get(resource);
    if (!server) throw new RedirectRefusal("invalid_target", "resource is not a registered MCP server");
    if ((state?.length ?? 0) > 2000) throw new RedirectRefusal("invalid_request", "state is too long");
    const scope = requestedToolScopes(query.get("scope")).join(" ");
    if (scope.length > 4000) throw new RedirectRefusal("invalid_scope", "scope is too long");

    const id = randomBytes(24).toString("base64url");
    const settings = authorizationSettings();
    const client = agent;
    await ctx.db.$transaction(async (tx) => {
      await tx.authorizationRequest.create({
        data: {
          id,
          agentId: client.id,
          redirectUri: requested,
          state,
          codeChallenge: challenge,
          resource,
          serverId: server.id,
          scope,
          status: "pending",
          createdAt: now,
          expiresAt: new Date(now.getTime() + settings.requestSeconds * 1000),
        },
      });
      await recordAudit(tx, {
        action: "authorization.requested",
        actorType: "agent",
        actorId: client.id,
        actorLabel: client.name,
        targetType: "mcp_server",
        targetId: server.id,
        targetLabel: server.name,
        decision: "info",
        reason: `Authorization requested for ${server.name}`,
        clientAddress: req.clientAddress ?? null,
        requestId: req.requestId ?? null,
        occurredAt: now,
        detail: { authorization_id: id, client_id: client.clientId, resource, scope, redirect_uri: requested },
      });
    });
    // Relative: the browser stays on the host it used (its console cookies are there).
    return {
      status: 303,
      headers: { location: consentPath(id), "cache-control": "no-store", "referrer-policy": "no-referrer" },
      body: "",
    };
  } catch (err) {
    const e = err instanceof PageRefusal || err instanceof RedirectRefusal ? err : null;
    if (!e) console.error("mandate: authorization endpoint failed", err);
    const refusal = e ?? new PageRefusal(500, "server_error", "internal error", "Something went wrong");
    await recordAuthorizationRefusal(ctx.db, {
      error: refusal.error,
      description: refusal.description,
      clientId,
      agent: agent ? { id: agent.id, name: agent.name } : null,
      clientAddress: req.clientAddress,
      requestId: req.requestId,
      occurredAt: now,
    });
    if (refusal instanceof RedirectRefusal && redirectUri)
      return redirectWithError(redirectUri, {
        error: refusal.error,
        description: refusal.description,
        state,
        issuer: ctx.issuer,
      });
    const page =
      refusal instanceof PageRefusal
        ? refusal
        : new PageRefusal(400, refusal.error, refusal.description, "This sign-in link is not valid");
    return authorizationErrorPage(page.status, page.error, page.description, page.headline);
  }
}

/**
 * The client: a registered agent, or — for a client id that is an HTTPS URL —
 * the one its metadata document describes (registered on first sight,
 * pending approval; followed when the document changes).
 */
async function resolveClient(
  ctx: OAuthContext,
  req: OAuthRequest,
  clientId: string,
  documents: ClientMetadataDocumentSettings,
  now: Date,
): Promise<Agent> {
  const existing = await ctx.db.agent.findUnique({ where: { clientId } });
  if (existing && existing.registration !== "cimd") return existing;
  if (!existing && !looksLikeClientIdUrl(clientId))
    throw new PageRefusal(400, "invalid_client", "unknown client", "This app is not known to Mandate");
  let metadata;
  try {
    metadata = await fetchClientMetadataDocument(clientId, documents, now.getTime());
  } catch (e) {
    if (e instanceof ClientMetadataDocumentError)
      throw new PageRefusal(400, "invalid_client", e.message, "This app could not be verified");
    throw e;
  }
  if (existing) return refreshInteractiveClientMetadata(ctx.db, existing, metadata, now);
  return registerInteractiveClient(
    ctx.db,
    { clientId, metadata, registration: "cimd", authMethod: "none", clientAddress: req.clientAddress },
    now,
  );
}
