import { permissionsOf, PERMISSIONS } from "@/lib/auth/permissions";
import { defineApiRoute } from "@/app/_server/api-route";

/** Who the caller is: a signed-in person or an admin API key, with its roles and what they allow. */
export const GET = defineApiRoute({
  permission: "overview.view",
  handler: async (_input, principal) => {
    const granted = permissionsOf(principal.roles);
    const permissions = PERMISSIONS.filter((p) => granted.has(p));
    return principal.kind === "user"
      ? { kind: "user", id: principal.userId, name: principal.displayName, email: principal.email, roles: principal.roles, permissions }
      : { kind: "apikey", id: principal.apiKeyId, name: principal.name, roles: principal.roles, permissions, createdById: principal.createdById };
  },
});
