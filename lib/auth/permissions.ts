import type { ConsoleRole } from "@/lib/db/generated/sqlite/enums";

/**
 * The one catalogue of what can be done in the console and its JSON API.
 * Console roles and admin API keys both map onto it; every page loader,
 * server action and route handler names the permission it needs.
 */
export const PERMISSIONS = [
  "overview.view",
  /** Read MCP servers, tools, agents, entitlements and assignments. */
  "inventory.view",
  "servers.manage",
  "tools.approve",
  "agents.manage",
  "entitlements.manage",
  "assignments.manage",
  "policy.apply",
  "signing_keys.manage",
  "settings.view",
  "settings.manage",
  "people.view",
  /** Deactivate people, manage SCIM credentials, reassign ownerless agents. */
  "directory.manage",
  "roles.manage",
  "api_keys.manage",
  "scope_review.view",
  "reviews.view",
  "reviews.manage",
  "reviews.decide",
  "sessions.view",
  "sessions.revoke",
  "audit.view",
  "audit.export",
  /** The enforcement coverage map and revocation drill results. */
  "coverage.view",
  /** Run revocation drills (a canary of the built-in drill agent; no real session is touched). */
  "drills.run",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const CONSOLE_ROLES = ["admin", "reviewer", "oncall", "auditor"] as const satisfies readonly ConsoleRole[];
export type { ConsoleRole };

export const ROLE_LABELS: Record<ConsoleRole, string> = {
  admin: "Admin",
  reviewer: "Reviewer",
  oncall: "On-call",
  auditor: "Auditor",
};

export const ROLE_DESCRIPTIONS: Record<ConsoleRole, string> = {
  admin: "Servers, tools, agents, entitlements, assignments, keys and settings",
  reviewer: "Access certifications and scope review",
  oncall: "Live sessions and revocation",
  auditor: "Read-only: the audit trail and its export",
};

const ROLE_PERMISSIONS: Record<ConsoleRole, readonly Permission[]> = {
  admin: [
    "overview.view",
    "inventory.view",
    "servers.manage",
    "tools.approve",
    "agents.manage",
    "entitlements.manage",
    "assignments.manage",
    "policy.apply",
    "signing_keys.manage",
    "settings.view",
    "settings.manage",
    "people.view",
    "directory.manage",
    "roles.manage",
    "api_keys.manage",
    "scope_review.view",
    "reviews.view",
    "reviews.manage",
    "sessions.view",
    "sessions.revoke",
    "audit.view",
    "audit.export",
    "coverage.view",
    "drills.run",
  ],
  reviewer: ["overview.view", "inventory.view", "scope_review.view", "reviews.view", "reviews.decide", "people.view"],
  oncall: [
    "overview.view",
    "inventory.view",
    "sessions.view",
    "sessions.revoke",
    "audit.view",
    "people.view",
    "coverage.view",
    "drills.run",
  ],
  auditor: [
    "overview.view",
    "inventory.view",
    "scope_review.view",
    "reviews.view",
    "sessions.view",
    "audit.view",
    "audit.export",
    "people.view",
    "settings.view",
    "coverage.view",
  ],
};

export function permissionsOf(roles: readonly ConsoleRole[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]));
}

export function rolesGranting(permission: Permission): ConsoleRole[] {
  return CONSOLE_ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(permission));
}
