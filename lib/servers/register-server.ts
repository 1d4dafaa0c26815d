import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { assertServerUnique } from "./assert-server-unique";
import { resolveResourceUri } from "./gateway-resource";
import { resolveOwner } from "./resolve-owner";
import { registerServerSchema, type RegisterServerInput } from "./server-schemas";
import { serverSnapshot } from "./server-snapshot";
import { slugOf } from "./slug";
import { rethrowUniqueViolation } from "./unique-violation";
import { sealUpstreamCredential } from "./upstream-credential";

export type RegisteredServer = { id: string; slug: string };

/**
 * Registers an MCP server. Validates again here (the console validated
 * already) because the YAML importer and the API call this directly.
 */
export async function registerServer(
  db: Db,
  principal: Principal,
  raw: RegisterServerInput,
  issuer = issuerFromEnv(),
): Promise<RegisteredServer> {
  try {
    return await db.$transaction((tx) => registerServerIn(tx, principal, raw, issuer));
  } catch (e) {
    rethrowUniqueViolation(
      e,
      "Another server with this name or resource URI was registered at the same moment; reload and try again",
    );
  }
}

/** registerServer inside the caller's transaction: the policy importer applies a whole file in one. */
export async function registerServerIn(
  tx: Tx,
  principal: Principal,
  raw: RegisterServerInput,
  issuer = issuerFromEnv(),
): Promise<RegisteredServer> {
  const input = registerServerSchema.parse(raw);
  const slug = slugOf(input.name);
  const resourceUri = resolveResourceUri(input, slug, issuer);
  // The id is chosen here so the credential can be sealed bound to it before the row exists.
  const id = timeOrderedId();
  const upstreamCredentialEnc = input.upstreamCredential ? sealUpstreamCredential(id, input.upstreamCredential) : null;
  await assertServerUnique(tx, { name: input.name, slug, resourceUri });
  const ownerId = await resolveOwner(tx, input.ownerEmail);
  const server = await tx.mcpServer.create({
    data: {
      id,
      name: input.name,
      slug,
      description: input.description ?? null,
      category: input.category ?? null,
      resourceUri,
      authorizationServerIssuer: input.authorizationServerIssuer ?? null,
      enforcementMode: input.enforcementMode,
      upstreamUrl: input.enforcementMode === "gateway" ? (input.upstreamUrl ?? null) : null,
      upstreamCredentialEnc,
      argumentLogging: input.argumentLogging,
      introspects: input.enforcementMode === "native" && (input.introspects ?? false),
      ownerId,
    },
  });
  await recordAudit(tx, {
    action: "server.registered",
    ...actorOf(principal),
    targetType: "server",
    targetId: server.id,
    targetLabel: server.name,
    decision: "info",
    detail: { before: null, after: serverSnapshot(server) },
  });
  return { id: server.id, slug: server.slug };
}
