import { errors as joseErrors } from "jose";

/** A short, safe reason for a failed JWT verification. */
export function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JOSEError) {
    if (e instanceof joseErrors.JWTExpired) return "expired";
    if (e instanceof joseErrors.JWTClaimValidationFailed) return `${e.claim}: ${e.reason}`;
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) return "signature invalid";
    if (e instanceof joseErrors.JWKSNoMatchingKey) return "no matching key";
    if (e instanceof joseErrors.JOSEAlgNotAllowed) return "algorithm not allowed";
    return e.code;
  }
  return "malformed";
}
