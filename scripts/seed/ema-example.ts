import { hashClientSecret } from "@/lib/agents/client-secret";
import type { Db } from "@/lib/db/client";
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE } from "@/lib/oauth/defaults";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";
import { toolDefinitionHash } from "@/lib/servers/tool-definition-hash";
import { WIKI_TOOLS } from "@/examples/ema/wiki-server";

/**
 * What `npm run example:ema` and examples/autonomous-agent.ts need in the
 * demo: the local enterprise IdP as a trusted IdP, the team wiki behind the
 * gateway (its approved tools pinned to exactly what examples/ema/wiki-server.ts
 * lists), a person who signs in there, and the two example agents with
 * demo-only client secrets, all granted the wiki. The defaults match the
 * examples' own (IdP on 127.0.0.1:3001, wiki on 127.0.0.1:3002).
 */
export const EMA_EXAMPLE = {
  person: { email: "dana.demo@acme.example", displayName: "Dana Demo" },
  delegated: { clientId: "ema-example-agent", clientSecret: "ema-example-demo-secret", name: "EMA example assistant" },
  autonomous: { clientId: "wiki-indexer", clientSecret: "wiki-indexer-demo-secret", name: "Wiki indexer (example)" },
  server: { name: "Team wiki", slug: "team-wiki" },
} as const;

export interface EmaExampleOptions {
  /** MANDATE_ISSUER: the wiki's resource URI is its gateway URL under it. */
  issuer: string;
  idpIssuer: string;
  wikiUrl: string;
  /** Who owns the example agents (an admin of the demo). */
  ownerId: string | null;
}

export function emaExampleOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  issuer: string,
  ownerId: string | null,
): EmaExampleOptions {
  return {
    issuer,
    idpIssuer: env.MANDATE_EXAMPLE_IDP_ISSUER?.trim() || "http://127.0.0.1:3001",
    wikiUrl: env.MANDATE_EXAMPLE_WIKI_URL?.trim() || "http://127.0.0.1:3002/mcp",
    ownerId,
  };
}

export async function seedEmaExample(db: Db, opts: EmaExampleOptions): Promise<void> {
  const { person, delegated, autonomous, server } = EMA_EXAMPLE;
  await db.$transaction(async (tx) => {
    // The IdP names people by their email as `sub`; Mandate matches them by (issuer, subject).
    const idp = await tx.trustedIdp.create({
      data: {
        name: "Example enterprise IdP",
        issuer: opts.idpIssuer,
        jwksUri: `${opts.idpIssuer}/jwks`,
        roles: "enterprise_idp",
        userMatch: "sub",
      },
    });
    const dana = await tx.user.create({
      data: {
        email: person.email,
        displayName: person.displayName,
        department: "Engineering",
        idpIssuer: opts.idpIssuer,
        idpSubject: person.email,
      },
    });
    const wiki = await tx.mcpServer.create({
      data: {
        name: server.name,
        slug: server.slug,
        resourceUri: gatewayResourceUri(opts.issuer, server.slug),
        enforcementMode: "gateway",
        upstreamUrl: opts.wikiUrl,
        authorizationServerIssuer: opts.issuer,
        argumentLogging: "hash",
        ownerId: opts.ownerId,
        description: "The example MCP server of `npm run example:ema` (examples/ema/wiki-server.ts)",
        category: "Knowledge",
      },
    });
    const now = new Date();
    const tools = [];
    for (const t of WIKI_TOOLS) {
      tools.push(
        await tx.tool.create({
          data: {
            serverId: wiki.id,
            name: t.name,
            description: t.description,
            inputSchema: t.inputSchema,
            risk: "read",
            scope: `wiki:${t.name}`,
            status: "approved",
            approvedAt: now,
            approvedById: opts.ownerId,
            definitionHash: toolDefinitionHash(t),
          },
        }),
      );
    }
    const entitlement = await tx.entitlement.create({
      data: {
        name: "Team wiki read",
        description: "Search and read the team wiki",
        serverId: wiki.id,
        tools: { create: tools.map((t) => ({ toolId: t.id })) },
      },
    });
    const assistant = await tx.agent.create({
      data: {
        clientId: delegated.clientId,
        name: delegated.name,
        kind: "delegated",
        ownerId: opts.ownerId,
        authMethod: "client_secret_basic",
        clientSecretHash: hashClientSecret(delegated.clientSecret),
        allowedGrantTypes: `${GRANT_TOKEN_EXCHANGE} ${GRANT_JWT_BEARER}`,
        purpose: "Answers questions from the team wiki for the person it acts for (examples/ema)",
      },
    });
    // The IdP issues the assistant's ID tokens to this client id: only the assistant may present them.
    await tx.agentIdpClient.create({ data: { agentId: assistant.id, idpId: idp.id, clientId: delegated.clientId } });
    const indexer = await tx.agent.create({
      data: {
        clientId: autonomous.clientId,
        name: autonomous.name,
        kind: "autonomous",
        ownerId: opts.ownerId,
        authMethod: "client_secret_basic",
        clientSecretHash: hashClientSecret(autonomous.clientSecret),
        allowedGrantTypes: "client_credentials",
        purpose: "Indexes the team wiki every night (examples/autonomous-agent.ts)",
      },
    });
    // A delegated agent reaches what both it and the person may: grant the wiki to each.
    const justification = "Example of the EMA flow (npm run example:ema)";
    await tx.assignment.create({
      data: { entitlementId: entitlement.id, principalType: "user", userId: dana.id, justification },
    });
    await tx.assignment.create({
      data: { entitlementId: entitlement.id, principalType: "agent", agentId: assistant.id, justification },
    });
    await tx.assignment.create({
      data: { entitlementId: entitlement.id, principalType: "agent", agentId: indexer.id, justification },
    });
  });
}
