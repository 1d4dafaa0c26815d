import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";

/** An agent's owner answers for it in reviews and incidents: it must be a person who is still here. */
export async function requireActiveOwner(tx: Tx, ownerId: string): Promise<{ id: string; email: string }> {
  const owner = await tx.user.findUnique({ where: { id: ownerId }, select: { id: true, email: true, active: true } });
  if (!owner) throw new DomainError("not_found", "No such person", "ownerId");
  if (!owner.active) throw new DomainError("invalid", "This person is deactivated; choose an active owner", "ownerId");
  return owner;
}
