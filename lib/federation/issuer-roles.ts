/**
 * What a trusted issuer's JWTs may be used for. One issuer can hold several
 * roles (an enterprise IdP that also issues ID-JAGs, say); each role is
 * checked where its tokens are accepted, so granting one never implies another.
 */
export const ISSUER_ROLES = ["enterprise_idp", "id_jag_issuer", "workload_issuer"] as const;
export type IssuerRole = (typeof ISSUER_ROLES)[number];

export const ISSUER_ROLE_LABELS: Record<IssuerRole, string> = {
  enterprise_idp: "Enterprise IdP",
  id_jag_issuer: "ID-JAG issuer",
  workload_issuer: "Workload issuer",
};

/** The roles stored as a space-separated list, unknown words dropped. */
export function parseIssuerRoles(stored: string): IssuerRole[] {
  const words = stored.split(/\s+/);
  return ISSUER_ROLES.filter((r) => words.includes(r));
}

export function hasIssuerRole(stored: string, role: IssuerRole): boolean {
  return stored.split(/\s+/).includes(role);
}

/** JWS algorithms an issuer may be allowed: asymmetric only (RFC 8725 §3.1–3.2: no `none`, no HMAC with public keys). */
export const ISSUER_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number];
export const DEFAULT_ISSUER_ALGORITHMS: readonly IssuerAlgorithm[] = ["RS256", "ES256", "EdDSA", "PS256"];

export function parseIssuerAlgorithms(stored: string): IssuerAlgorithm[] {
  const words = stored.split(/\s+/);
  return ISSUER_ALGORITHMS.filter((a) => words.includes(a));
}
