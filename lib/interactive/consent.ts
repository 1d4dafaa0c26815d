import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { effectiveAccessOnBehalfOf, type Risk } from "@/lib/entitlements/effective-access";
import { entitlementCatalog } from "@/lib/entitlements/entitlement-catalog";
import { authorizationSettings, type AuthorizationSettings } from "@/lib/oauth/authorization-settings";
import { OAuthError } from "@/lib/oauth/errors";
import { decideGrant, type GrantDecision } from "@/lib/tokens/grant-policy";
import { recordAuthorizationRefusalIn } from "./authorization-audit";
import { isLocalRedirect } from "./redirect-uris";
import { jsonColumnValue } from "@/lib/db/raw-values";

/** An authorization request as the consent screen shows it. */
export interface AuthorizationView {
  id: string;
  status: "pending" | "refused" | "issued" | "redeemed" | "expired";
  client: {
    id: string;
    name: string;
    clientId: string;
    registration: string | null;
    clientUri: string | null;
    localRedirect: boolean;
    redirectHost: string;
  };
  server: { id: string; name: string; resourceUri: string } | null;
  requestedScopes: string[];
  userId: string | null;
  refusedReason: string | null;
  expiresAt: Date;
}

export interface PersonSignIn {
  userId: string;
  email: string;
  /** When the person signed in (auth_time of everything authorized here). */
  signedInAt: Date;
}

export type ConsentDecision =
  | { ok: true; decision: GrantDecision; tools: { name: string; scope: string; risk: Risk }[] }
  /** No access, or the sign-in is older than the entitlement's re-authentication interval. */
  | { ok: false; reason: "no_access"; description: string }
  | { ok: false; reason: "reauthenticate"; intervalSeconds: number };

export async function loadAuthorization(db: Db, id: string, now = new Date()): Promise<AuthorizationView | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return null;
  const row = await db.authorizationRequest.findUnique({
    where: { id },
    include: { agent: { select: { id: true, name: true, clientId: true, registration: true, clientMetadata: true } } },
  });
  if (!row) return null;
  const server = (await entitlementCatalog(db)).servers.get(row.resource) ?? null;
  const meta = jsonColumnValue(row.agent.clientMetadata) as { client_uri?: string | null } | null;
  let redirectHost = row.redirectUri;
  try {
    redirectHost = new URL(row.redirectUri).host || row.redirectUri;
  } catch {
    // shown as registered
  }
  const status =
    row.status === "pending" && row.expiresAt <= now ? "expired" : (row.status as AuthorizationView["status"]);
  return {
    id: row.id,
    status,
    userId: row.userId,
    refusedReason: row.refusedReason,
    expiresAt: row.expiresAt,
    client: {
      id: row.agent.id,
      name: row.agent.name,
      clientId: row.agent.clientId,
      registration: row.agent.registration,
      clientUri: meta?.client_uri ?? null,
      localRedirect: isLocalRedirect(row.redirectUri),
      redirectHost,
    },
    server:
      server && server.id === row.serverId
        ? { id: server.id, name: server.name, resourceUri: server.resourceUri }
        : null,
    requestedScopes: row.scope.split(" ").filter(Boolean),
  };
}

/**
 * What the enterprise allows this client to do for this person on this
 * server: the same intersection and the same decision as a token mint
 * (effectiveAccessOnBehalfOf → decideGrant), never a choice on the screen.
 */
export async function decideConsent(
  db: Db,
  view: AuthorizationView,
  person: PersonSignIn,
  now = new Date(),
): Promise<ConsentDecision> {
  if (!view.server)
    return { ok: false, reason: "no_access", description: "the MCP server this app asked for is no longer registered" };
  const access = await effectiveAccessOnBehalfOf(db, view.client.id, person.userId, now);
  const server = access.servers.get(view.server.resourceUri);
  if (!server)
    return { ok: false, reason: "no_access", description: "the MCP server this app asked for is no longer registered" };
  let decision: GrantDecision;
  try {
    decision = decideGrant(access, server, view.requestedScopes);
  } catch (e) {
    if (e instanceof OAuthError) {
      return {
        ok: false,
        reason: "no_access",
        description: view.requestedScopes.length
          ? `neither you nor ${view.client.name} may use the requested tools of ${server.name} (or not both of you)`
          : `${view.client.name} may not use ${server.name} for you`,
      };
    }
    throw e;
  }
  const interval = decision.reauthIntervalSeconds;
  if (interval !== null && now.getTime() - person.signedInAt.getTime() > interval * 1000)
    return { ok: false, reason: "reauthenticate", intervalSeconds: interval };
  const granted = new Set(decision.scopes);
  const tools = access.tools
    .filter((t) => t.resourceUri === server.resourceUri && granted.has(t.scope))
    .map((t) => ({ name: t.toolName, scope: t.scope, risk: t.risk }));
  return { ok: true, decision, tools };
}

/** Thrown when the request cannot go on (expired, another person's, already used): the page explains. */
export class AuthorizationUnavailable extends Error {}

/**
 * The person signed in for this request: bound to it (one person per
 * request) and recorded once as `authorization.signed_in`.
 */
export async function bindPerson(db: Db, id: string, person: PersonSignIn, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.authorizationRequest.findUnique({
      where: { id },
      include: { agent: { select: { name: true } } },
    });
    if (!row) throw new AuthorizationUnavailable("No such authorization request");
    if (row.userId && row.userId !== person.userId)
      throw new AuthorizationUnavailable("This sign-in link was opened by someone else; start again from the app");
    if (row.userId) return;
    const bound = await tx.authorizationRequest.updateMany({
      where: { id, userId: null },
      data: { userId: person.userId, authTime: person.signedInAt },
    });
    if (bound.count === 0)
      throw new AuthorizationUnavailable("This sign-in link was opened by someone else; start again from the app");
    await recordAudit(tx, {
      action: "authorization.signed_in",
      actorType: "user",
      actorId: person.userId,
      actorLabel: person.email,
      onBehalfOfId: person.userId,
      targetType: "authorization",
      targetId: id,
      targetLabel: row.agent.name,
      decision: "info",
      occurredAt: now,
      reason: `Signed in to authorize ${row.agent.name}`,
      detail: { auth_time: person.signedInAt.toISOString(), agent_id: row.agentId },
    });
  });
}

export const codeHashOf = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

function redirectTo(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * The person continues: a code is issued (stored as its hash, short-lived)
 * and the browser goes back to the client with it, `state` and `iss`.
 * Decided again here, inside the transaction's reads: access ended while the
 * screen was open counts.
 */
export async function issueAuthorizationCode(
  db: Db,
  id: string,
  person: PersonSignIn,
  issuer: string,
  now = new Date(),
  settings: AuthorizationSettings = authorizationSettings(),
): Promise<{ redirectTo: string }> {
  const view = await loadAuthorization(db, id, now);
  if (!view || view.userId !== person.userId)
    throw new AuthorizationUnavailable("This authorization request is not yours");
  if (view.status !== "pending")
    throw new AuthorizationUnavailable(
      view.status === "expired"
        ? "This sign-in took too long; start again from the app"
        : "This authorization request was already used",
    );
  const consent = await decideConsent(db, view, person, now);
  if (!consent.ok)
    throw new AuthorizationUnavailable(
      consent.reason === "reauthenticate" ? "Sign in again to continue" : "You have no access to grant",
    );
  const code = randomBytes(32).toString("base64url");
  const row = await db.$transaction(async (tx) => {
    const issued = await tx.authorizationRequest.updateMany({
      where: { id, status: "pending", userId: person.userId, expiresAt: { gt: now } },
      data: {
        status: "issued",
        codeHash: codeHashOf(code),
        codeExpiresAt: new Date(now.getTime() + settings.codeSeconds * 1000),
        issuedAt: now,
        grantedScope: consent.decision.scopes.join(" "),
      },
    });
    if (issued.count === 0) throw new AuthorizationUnavailable("This authorization request was already used");
    const r = await tx.authorizationRequest.findUniqueOrThrow({ where: { id } });
    await recordAudit(tx, {
      action: "authorization.code_issued",
      actorType: "user",
      actorId: person.userId,
      actorLabel: person.email,
      onBehalfOfId: person.userId,
      targetType: "mcp_server",
      targetId: consent.decision.server.id,
      targetLabel: consent.decision.server.name,
      decision: "allow",
      occurredAt: now,
      reason: `Authorization code issued to ${view.client.name}`,
      detail: {
        authorization_id: id,
        client_id: view.client.clientId,
        agent_id: view.client.id,
        resource: r.resource,
        scope: consent.decision.scopes.join(" "),
        tools: consent.tools.map((t) => t.name),
      },
    });
    return r;
  });
  return { redirectTo: redirectTo(row.redirectUri, { code, state: row.state, iss: issuer }) };
}

/**
 * Nothing to grant, or the person declined: the request ends, audited once,
 * and the client hears access_denied (RFC 6749 §4.1.2.1) at its redirect URI.
 */
export async function refuseAuthorization(
  db: Db,
  id: string,
  person: PersonSignIn,
  issuer: string,
  why: { error: "access_denied"; description: string },
  now = new Date(),
): Promise<{ redirectTo: string }> {
  const row = await db.$transaction(async (tx) => {
    const r = await tx.authorizationRequest.findUnique({
      where: { id },
      include: { agent: { select: { id: true, name: true, clientId: true } } },
    });
    if (!r || r.userId !== person.userId) throw new AuthorizationUnavailable("This authorization request is not yours");
    const ended = await tx.authorizationRequest.updateMany({
      where: { id, status: "pending" },
      data: { status: "refused", refusedReason: why.description.slice(0, 500) },
    });
    if (ended.count === 1) {
      await recordAuthorizationRefusalIn(tx, {
        error: why.error,
        description: why.description,
        clientId: r.agent.clientId,
        agent: { id: r.agent.id, name: r.agent.name },
        userId: person.userId,
        userEmail: person.email,
        authorizationId: id,
        occurredAt: now,
      });
    } else if (r.status !== "refused") {
      throw new AuthorizationUnavailable("This authorization request was already used");
    }
    return r;
  });
  return {
    redirectTo: redirectTo(row.redirectUri, {
      error: why.error,
      error_description: why.description,
      state: row.state,
      iss: issuer,
    }),
  };
}
