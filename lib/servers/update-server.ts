import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { assertServerUnique } from "./assert-server-unique";
import { resolveResourceUri } from "./gateway-resource";
import { resolveOwner } from "./resolve-owner";
import { updateServerSchema, type UpdateServerInput } from "./server-schemas";
import { serverSnapshot } from "./server-snapshot";
import { rethrowUniqueViolation } from "./unique-violation";
import { sealUpstreamCredential } from "./upstream-credential";

/**
 * Changes a server's settings. The slug stays as registered: gateway paths
 * and granted scopes were built from it. The stored credential is kept unless
 * a new one is given or its removal is asked for — the console never has the
 * old one to send back.
 */
export async function updateServer(
  db: Db,
  principal: Principal,
  raw: UpdateServerInput,
  issuer = issuerFromEnv(),
): Promise<{ id: string }> {
  try {
    return await db.$transaction((tx) => updateServerIn(tx, principal, raw, issuer));
  } catch (e) {
    rethrowUniqueViolation(
      e,
      "Another server with this name or resource URI was saved at the same moment; reload and try again",
    );
  }
}

/** updateServer inside the caller's transaction: the policy importer applies a whole file in one. */
export async function updateServerIn(
  tx: Tx,
  principal: Principal,
  raw: UpdateServerInput,
  issuer = issuerFromEnv(),
): Promise<{ id: string }> {
  const input = updateServerSchema.parse(raw);
  const newCredentialEnc = input.upstreamCredential
    ? sealUpstreamCredential(input.id, input.upstreamCredential)
    : undefined;
  const before = await tx.mcpServer.findUnique({ where: { id: input.id } });
  if (!before) throw new DomainError("not_found", "This server no longer exists");
  const resourceUri = resolveResourceUri(input, before.slug, issuer);
  await assertServerUnique(tx, { name: input.name, resourceUri }, input.id);
  const ownerId = await resolveOwner(tx, input.ownerEmail);
  const credential = newCredentialEnc
    ? "replaced"
    : input.clearUpstreamCredential && before.upstreamCredentialEnc
      ? "removed"
      : "kept";
  const after = await tx.mcpServer.update({
    where: { id: input.id },
    data: {
      name: input.name,
      description: input.description ?? null,
      category: input.category ?? null,
      resourceUri,
      authorizationServerIssuer: input.authorizationServerIssuer ?? null,
      enforcementMode: input.enforcementMode,
      upstreamUrl: input.enforcementMode === "gateway" ? (input.upstreamUrl ?? null) : null,
      ...(credential === "replaced" ? { upstreamCredentialEnc: newCredentialEnc } : {}),
      ...(credential === "removed" ? { upstreamCredentialEnc: null } : {}),
      argumentLogging: input.argumentLogging,
      ...(input.introspects !== undefined || input.enforcementMode === "gateway"
        ? { introspects: input.enforcementMode === "native" && (input.introspects ?? false) }
        : {}),
      ownerId,
    },
  });
  await recordAudit(tx, {
    action: "server.updated",
    ...actorOf(principal),
    targetType: "server",
    targetId: after.id,
    targetLabel: after.name,
    decision: "info",
    detail: { before: serverSnapshot(before), after: serverSnapshot(after), upstreamCredential: credential },
  });
  return { id: after.id };
}
