/**
 * An agent acting for a person, as the MCP Enterprise-Managed Authorization
 * extension has it: the person's ID token from the enterprise IdP is
 * exchanged at Mandate for an ID-JAG (RFC 8693 token exchange), the ID-JAG
 * for a short-lived access token (RFC 7523 jwt-bearer), and that token opens
 * an MCP session through Mandate's gateway. Copy this into your agent.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import * as oauth from "openid-client";

export interface DelegatedSession {
  mcp: Client;
  /** Mandate's session id (the `sid` claim): what the console's Sessions page lists and revokes. */
  sessionId: string;
}

export async function connectAsPerson(opts: {
  /** Mandate's issuer URL: its RFC 8414 metadata names the token endpoint. */
  mandateUrl: string;
  clientId: string;
  clientSecret: string;
  /** The person's ID token, issued by the enterprise IdP to this agent. */
  idToken: string;
  /** The MCP server's resource URI (its gateway URL) and the scopes wanted there. */
  resource: string;
  scope: string;
}): Promise<DelegatedSession> {
  const config = await oauth.discovery(
    new URL(opts.mandateUrl),
    opts.clientId,
    undefined,
    oauth.ClientSecretBasic(opts.clientSecret),
    {
      // Only for the local demo over http://; production Mandate is https.
      execute: opts.mandateUrl.startsWith("http://") ? [oauth.allowInsecureRequests] : [],
    },
  );

  // 1. ID token → ID-JAG. The audience is the authorization server of the resource: Mandate itself for gateway servers.
  const idJag = await oauth.genericGrantRequest(config, "urn:ietf:params:oauth:grant-type:token-exchange", {
    requested_token_type: "urn:ietf:params:oauth:token-type:id-jag",
    subject_token: opts.idToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    audience: config.serverMetadata().issuer,
    resource: opts.resource,
    scope: opts.scope,
  });

  // 2. ID-JAG → access token for that one resource.
  const access = await oauth.genericGrantRequest(config, "urn:ietf:params:oauth:grant-type:jwt-bearer", {
    assertion: idJag.access_token,
    scope: opts.scope,
  });

  // 3. An MCP session through the gateway, with the token as a bearer.
  const transport = new StreamableHTTPClientTransport(new URL(opts.resource), {
    requestInit: { headers: { authorization: `Bearer ${access.access_token}` } },
  });
  const mcp = new Client({ name: "ema-example-agent", version: "1.0.0" });
  await mcp.connect(transport);
  const claims = JSON.parse(Buffer.from(access.access_token.split(".")[1] ?? "", "base64url").toString()) as {
    sid: string;
  };
  return { mcp, sessionId: claims.sid };
}
