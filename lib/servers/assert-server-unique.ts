import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";

/**
 * Refuses a name, slug or resource URI another server already uses, at the
 * field the person can fix. The unique indexes still guard against a race;
 * this check only makes the common case explain itself.
 */
export async function assertServerUnique(
  tx: Tx,
  fields: { name: string; slug?: string; resourceUri: string },
  exceptId?: string,
): Promise<void> {
  const notSelf = exceptId ? { id: { not: exceptId } } : {};
  if (await tx.mcpServer.findFirst({ where: { name: fields.name, ...notSelf }, select: { id: true } })) {
    throw new DomainError("conflict", `A server named “${fields.name}” is already registered`, "name");
  }
  if (
    fields.slug &&
    (await tx.mcpServer.findFirst({ where: { slug: fields.slug, ...notSelf }, select: { id: true } }))
  ) {
    throw new DomainError(
      "conflict",
      `Another server already uses the gateway path /mcp/${fields.slug}; choose a more distinct name`,
      "name",
    );
  }
  if (await tx.mcpServer.findFirst({ where: { resourceUri: fields.resourceUri, ...notSelf }, select: { id: true } })) {
    throw new DomainError("conflict", "Another server is already registered with this resource URI", "resourceUri");
  }
}
