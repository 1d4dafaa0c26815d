import { SCHEMA_ERROR } from "./scim-schemas";

/** RFC 7644 §3.12 scimType values used by Mandate. */
export type ScimErrorType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue";

/**
 * One error family for the SCIM endpoint: status, scimType and a detail the
 * provisioning client's operator can act on. Thrown anywhere below the
 * handler, serialised once (scimErrorBody).
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimErrorType;
  constructor(status: number, detail: string, scimType?: ScimErrorType) {
    super(detail);
    this.name = "ScimError";
    this.status = status;
    this.scimType = scimType;
  }
}

export const invalidValue = (detail: string) => new ScimError(400, detail, "invalidValue");
export const invalidSyntax = (detail: string) => new ScimError(400, detail, "invalidSyntax");
export const invalidFilter = (detail: string) => new ScimError(400, detail, "invalidFilter");
export const invalidPath = (detail: string) => new ScimError(400, detail, "invalidPath");
export const notFound = (detail = "Resource not found") => new ScimError(404, detail);
export const uniqueness = (detail: string) => new ScimError(409, detail, "uniqueness");

export function scimErrorBody(e: ScimError): Record<string, unknown> {
  return {
    schemas: [SCHEMA_ERROR],
    status: String(e.status),
    ...(e.scimType ? { scimType: e.scimType } : {}),
    detail: e.message,
  };
}
