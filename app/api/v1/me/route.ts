import { permissionsOf, PERMISSIONS } from "@/lib/auth/permissions";
import { defineApiRoute } from "@/app/_server/api-route";

/** Who the caller is: a signed-in person or an admin API key, with its roles and what they allow. */
export const GET = defineApiRoute({
  permission: "overview.view",
  handler: async (_input, principal) => {
    const granted = permissionsOf(principal.roles);
    const permissions = PERMISSIONS.filter((p) => granted.has(p));
    if (principal.kind === "user") {
      return {
        kind: "user",
        id: principal.userId,
        name: principal.displayName,
        email: principal.email,
        roles: principal.roles,
        permissions,
      };
    }
    if (principal.kind === "apikey") {
      return {
        kind: "apikey",
        id: principal.apiKeyId,
        name: principal.name,
        roles: principal.roles,
        permissions,
        createdById: principal.createdById,
      };
    }
    // Only the repo CLI acts as the system; the HTTP API never authenticates one.
    return { kind: "system", name: principal.label, roles: principal.roles, permissions };
  },
});
