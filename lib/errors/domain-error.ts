/**
 * A refusal the domain explains to the person who asked: a duplicate name, a
 * separation-of-duty rule, a missing record. The console shows `message` (at
 * `field` when given); the JSON API maps `code` to a status.
 */
export type DomainErrorCode = "invalid" | "conflict" | "not_found" | "forbidden" | "separation_of_duties";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field?: string;
  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = field;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
