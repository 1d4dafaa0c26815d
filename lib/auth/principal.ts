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
    };

export function can(principal: Principal | null, permission: Permission): boolean {
  return principal !== null && permissionsOf(principal.roles).has(permission);
}

/** The audit actor fields for a principal. */
export function actorOf(p: Principal): { actorType: "user" | "apikey"; actorId: string; actorLabel: string } {
  return p.kind === "user"
    ? { actorType: "user", actorId: p.userId, actorLabel: p.email }
    : { actorType: "apikey", actorId: p.apiKeyId, actorLabel: `API key ${p.name}` };
}

/** The person behind a principal (an API key acts for whoever created it). */
export function personOf(p: Principal): string | null {
  return p.kind === "user" ? p.userId : p.createdById;
}
