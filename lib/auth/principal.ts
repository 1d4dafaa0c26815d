import { permissionsOf, type ConsoleRole, type Permission } from "./permissions";

/** Who is acting in the console or its JSON API. */
export type Principal =
  | {
      kind: "user";
      userId: string;
      email: string;
      displayName: string;
      roles: ConsoleRole[];
      consoleSessionId: string;
    }
  | {
      kind: "apikey";
      apiKeyId: string;
      name: string;
      roles: ConsoleRole[];
      /** The person who created the key: separation-of-duty checks apply to them. */
      createdById: string | null;
    }
  | {
      /** The repo CLI acting without a named person (e.g. `mandate apply` run by an operator). */
      kind: "system";
      /** Who ran it, for the audit trail: "mandate policy (OS user alice)". */
      label: string;
      roles: ConsoleRole[];
    };

export function can(principal: Principal | null, permission: Permission): boolean {
  return principal !== null && permissionsOf(principal.roles).has(permission);
}

/** The audit actor fields for a principal. */
export function actorOf(p: Principal): {
  actorType: "user" | "apikey" | "system";
  actorId: string | null;
  actorLabel: string;
} {
  switch (p.kind) {
    case "user":
      return { actorType: "user", actorId: p.userId, actorLabel: p.email };
    case "apikey":
      return { actorType: "apikey", actorId: p.apiKeyId, actorLabel: `API key ${p.name}` };
    case "system":
      return { actorType: "system", actorId: null, actorLabel: p.label };
  }
}

/** The person behind a principal (an API key acts for whoever created it). */
export function personOf(p: Principal): string | null {
  // A system actor has no person behind it: separation-of-duty rules have nobody to protect against.
  return p.kind === "user" ? p.userId : p.kind === "apikey" ? p.createdById : null;
}
