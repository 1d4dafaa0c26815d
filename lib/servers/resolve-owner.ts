import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";

/** The id of the active person with this email, or a refusal shown at the owner field. */
export async function resolveOwner(tx: Tx, email: string | undefined): Promise<string | null> {
  if (!email) return null;
  const person = await tx.user.findUnique({ where: { email }, select: { id: true, active: true } });
  if (!person || !person.active) {
    throw new DomainError("invalid", `No active person has the email ${email}`, "ownerEmail");
  }
  return person.id;
}
