/**
 * How a revocation reaches a registered MCP server:
 *  - gateway: Mandate's gateway fronts it and checks every call against the live revocation state;
 *  - native_caep: it enforces itself and has a CAEP receiver (SSF push) that is told of each revoked session;
 *  - native_introspection: it enforces itself and introspects every token (RFC 7662);
 *  - native_jwt_only: it enforces itself on Mandate's signed JWTs alone, so a revoked token works until it expires.
 * Servers seen but not registered are "unmanaged" (lib/coverage/coverage-map.ts).
 */
export type EnforcementPath = "gateway" | "native_caep" | "native_introspection" | "native_jwt_only";

export const ENFORCEMENT_PATH_LABELS: Record<EnforcementPath | "unmanaged", string> = {
  gateway: "Gateway",
  native_caep: "Native + CAEP push",
  native_introspection: "Native + introspection",
  native_jwt_only: "Native, JWTs only",
  unmanaged: "Unmanaged",
};

export function enforcementPathOf(
  server: { enforcementMode: "gateway" | "native"; introspects: boolean },
  enabledReceivers: number,
): EnforcementPath {
  if (server.enforcementMode === "gateway") return "gateway";
  if (enabledReceivers > 0) return "native_caep";
  return server.introspects ? "native_introspection" : "native_jwt_only";
}
