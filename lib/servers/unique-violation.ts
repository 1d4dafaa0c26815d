import { DomainError } from "@/lib/errors/domain-error";

/**
 * Turns a unique-index violation that slipped past the pre-checks (two admins
 * saving at the same moment) into a refusal the person can act on.
 */
export function rethrowUniqueViolation(e: unknown, message: string): never {
  if (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002") {
    throw new DomainError("conflict", message);
  }
  throw e;
}
