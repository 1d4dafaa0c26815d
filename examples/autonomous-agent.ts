/**
 * An autonomous agent (no person behind it) calling an MCP server through
 * Mandate's gateway: client_credentials for an access token bound to the
 * server's resource URI, then an MCP session with the MCP SDK.
 *
 *   npm run example:autonomous     (against `npm start` with the demo data, while
 *                                   `npm run example:ema` serves the team wiki)
 *
 * The demo's "Wiki indexer (example)" agent is used; in production keep the
 * secret in your secret store, or use private_key_jwt.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import * as oauth from "openid-client";

const MANDATE_URL = (process.env.MANDATE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const CLIENT_ID = process.env.CLIENT_ID ?? "wiki-indexer";
const CLIENT_SECRET = process.env.CLIENT_SECRET ?? "wiki-indexer-demo-secret";

async function main(): Promise<void> {
  // The resource URI, as MCP clients learn it: from the server's RFC 9728 metadata.
  const metadata = (await (
    await fetch(`${MANDATE_URL}/.well-known/oauth-protected-resource/mcp/team-wiki`)
  ).json()) as { resource: string };

  const config = await oauth.discovery(
    new URL(MANDATE_URL),
    CLIENT_ID,
    undefined,
    oauth.ClientSecretBasic(CLIENT_SECRET),
    {
      execute: MANDATE_URL.startsWith("http://") ? [oauth.allowInsecureRequests] : [],
    },
  );
  // RFC 8707 `resource`: the token is for this one server only, with the tools Mandate grants the agent there.
  const token = await oauth.clientCredentialsGrant(config, { resource: metadata.resource, scope: "wiki:search_pages" });

  const mcp = new Client({ name: "wiki-indexer", version: "1.0.0" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(metadata.resource), {
      requestInit: { headers: { authorization: `Bearer ${token.access_token}` } },
    }),
  );
  const result = await mcp.callTool({ name: "search_pages", arguments: { query: "release" } });
  console.log(`search_pages → ${JSON.stringify(result.content)}`);
  await mcp.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `error: ${e.message}` : e);
  process.exit(1);
});
