/**
 * `npm run example:ema` — the Enterprise-Managed Authorization flow against
 * the running demo (`npm start`, demo data included):
 *
 *   1. a local enterprise IdP (enterprise-idp.ts) signs Dana Demo in;
 *   2. the example agent (delegated-agent.ts) exchanges her ID token at
 *      Mandate for an ID-JAG, redeems it for an access token, and opens an
 *      MCP session to the team wiki (wiki-server.ts) through the gateway;
 *   3. it calls a tool every few seconds until the session is revoked —
 *      revoke it on the console's Sessions page and watch the next call fail.
 *
 * Environment: MANDATE_URL (http://localhost:3000), EXAMPLE_IDP_PORT (3001),
 * EXAMPLE_WIKI_PORT (3002). `--once` stops after the first call.
 */
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { connectAsPerson } from "./delegated-agent";
import { startExampleIdp } from "./enterprise-idp";
import { startWikiServer } from "./wiki-server";

// The demo data's example agent and person (scripts/seed/ema-example.ts). Demo-only secrets.
const AGENT = { clientId: "ema-example-agent", clientSecret: "ema-example-demo-secret" };
const PERSON = "dana.demo@acme.example";
const CALL_EVERY_MS = 3000;

async function main(): Promise<number> {
  const mandateUrl = (process.env.MANDATE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const once = process.argv.includes("--once");
  const idp = await startExampleIdp({
    port: Number(process.env.EXAMPLE_IDP_PORT ?? 3001),
    ...AGENT,
    keyFile: ".cache/examples/enterprise-idp-key.json",
  });
  const wiki = await startWikiServer(Number(process.env.EXAMPLE_WIKI_PORT ?? 3002));
  console.log(`enterprise IdP at ${idp.issuer}, team wiki at ${wiki.url}`);
  try {
    // An MCP client learns the resource URI from the server's RFC 9728 metadata.
    const metadata = await fetch(`${mandateUrl}/.well-known/oauth-protected-resource/mcp/team-wiki`);
    if (!metadata.ok)
      throw new Error(
        `Mandate at ${mandateUrl} does not serve the team wiki (HTTP ${metadata.status}): is \`npm start\` running with the demo data?`,
      );
    const { resource } = (await metadata.json()) as { resource: string };

    const idToken = await idp.signIn(PERSON);
    console.log(`signed ${PERSON} in at the enterprise IdP`);
    const session = await connectAsPerson({
      mandateUrl,
      ...AGENT,
      idToken,
      resource,
      scope: "wiki:search_pages wiki:read_page",
    });
    console.log(`delegated session ${session.sessionId} is live: ${mandateUrl}/sessions/${session.sessionId}`);
    const { tools } = await session.mcp.listTools();
    console.log(`tools Dana's agent may call: ${tools.map((t) => t.name).join(", ")}`);

    for (;;) {
      try {
        const result = await session.mcp.callTool({ name: "search_pages", arguments: { query: "handbook" } });
        console.log(`search_pages → ${JSON.stringify(result.content)}`);
      } catch (e) {
        if (e instanceof StreamableHTTPError && e.code === 401) {
          console.log("refused: the session was revoked — Mandate's gateway stopped the agent");
          return 0;
        }
        throw e;
      }
      if (once) return 0;
      if (process.stdout.isTTY) console.log("  (revoke the session in the console to stop it; Ctrl-C to quit)");
      await new Promise((r) => setTimeout(r, CALL_EVERY_MS));
    }
  } finally {
    await wiki.close();
    await idp.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? `error: ${e.message}` : e);
    process.exit(1);
  },
);
