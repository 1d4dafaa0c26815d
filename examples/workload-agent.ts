/**
 * An autonomous agent with no stored secret: it presents the JWT its platform
 * issues it (a Kubernetes projected service account token, a SPIFFE
 * JWT-SVID, a GitHub Actions OIDC token, …) and Mandate maps it to the agent
 * by a rule an admin wrote — the MCP workload identity federation extension
 * (RFC 7523 jwt-bearer with the workload JWT as the assertion).
 *
 *   npm run mandate -- idp add --name "Cluster" --issuer https://kubernetes.default.svc --role workload_issuer
 *   npm run mandate -- idp map --issuer https://kubernetes.default.svc --agent wiki-indexer \
 *     --sub system:serviceaccount:search:indexer --claim kubernetes.io/namespace=search
 *   WORKLOAD_TOKEN_FILE=/var/run/secrets/mandate/token npm run example:workload
 *
 * The platform must issue the token with Mandate's token endpoint as its
 * audience (for Kubernetes: a projected volume with
 * `audience: <MANDATE_ISSUER>/oauth/token`).
 */
import { readFile } from "node:fs/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const MANDATE_URL = (process.env.MANDATE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const TOKEN_FILE = process.env.WORKLOAD_TOKEN_FILE ?? "/var/run/secrets/mandate/token";
const SERVER_PATH = process.env.MCP_SERVER_PATH ?? "/mcp/team-wiki";

async function main(): Promise<void> {
  // Read the token fresh on every request: the platform rotates it on disk.
  const workloadJwt = (process.env.WORKLOAD_JWT ?? (await readFile(TOKEN_FILE, "utf8"))).trim();

  // Where to ask, from Mandate's RFC 8414 metadata; the resource URI from the server's RFC 9728 metadata.
  const as = (await (await fetch(`${MANDATE_URL}/.well-known/oauth-authorization-server`)).json()) as {
    token_endpoint: string;
  };
  const { resource } = (await (
    await fetch(`${MANDATE_URL}/.well-known/oauth-protected-resource${SERVER_PATH}`)
  ).json()) as { resource: string };

  // The extension's request: grant_type, assertion and resource, and no client authentication or client_id — the
  // workload JWT is the credential. (A plain POST: OAuth client libraries always send a client_id.)
  const response = await fetch(as.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: workloadJwt,
      resource,
    }),
  });
  const token = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!token.access_token) throw new Error(`${token.error}: ${token.error_description}`);

  // From here on it is an ordinary MCP client with a bearer token, limited to the agent's tools on this server.
  const mcp = new Client({ name: "workload-agent", version: "1.0.0" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(resource), {
      requestInit: { headers: { authorization: `Bearer ${token.access_token}` } },
    }),
  );
  const { tools } = await mcp.listTools();
  console.log(`tools granted: ${tools.map((t) => t.name).join(", ") || "none"}`);
  await mcp.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `error: ${e.message}` : e);
  process.exit(1);
});
