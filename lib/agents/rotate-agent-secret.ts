import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { refuseAgentHolder } from "@/lib/access/separation-of-duties";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { generateClientSecret } from "./client-secret";
import { findAgentOrThrow } from "./find-agent";

/**
 * Replaces a client secret; the old one stops working at once. The new secret is returned once and never stored.
 * Whoever rotates is shown the secret, so they become the holder of the agent's credential — refused when they
 * granted the agent live access (separation of duties).
 */
export async function rotateAgentSecret(
  db: Db,
  actor: Principal,
  agentId: string,
  now = new Date(),
): Promise<{ clientSecret: string }> {
  const { secret, hash } = generateClientSecret();
  await db.$transaction(async (tx) => {
    const before = await findAgentOrThrow(tx, agentId);
    if (before.status === "retired") throw new DomainError("conflict", "This agent is retired");
    if (before.authMethod === "private_key_jwt") {
      throw new DomainError(
        "conflict",
        "This agent authenticates with private_key_jwt; it has no client secret to rotate",
      );
    }
    const holder = personOf(actor);
    if (holder) await refuseAgentHolder(tx, agentId, { id: holder, label: "You" }, "credential", now);
    await tx.agent.update({
      where: { id: agentId },
      data: { clientSecretHash: hash, credentialHolderId: holder, credentialIssuedAt: now, updatedAt: now },
    });
    await recordAudit(tx, {
      action: "agent.secret_rotated",
      ...actorOf(actor),
      targetType: "agent",
      targetId: agentId,
      targetLabel: before.name,
      decision: "allow",
      reason: "Client secret rotated; the previous secret no longer works",
      occurredAt: now,
      // Never the hashes: a fingerprint is enough to tell rotations apart.
      detail: {
        before: {
          secretFingerprint: before.clientSecretHash?.slice(0, 8) ?? null,
          credentialHolderId: before.credentialHolderId,
        },
        after: { secretFingerprint: hash.slice(0, 8), credentialHolderId: holder },
      },
    });
  });
  return { clientSecret: secret };
}
