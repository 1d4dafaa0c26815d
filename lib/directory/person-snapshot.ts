import type { User } from "@/lib/db/generated/sqlite/client";

/** A person as directory audit events record them (before/after). */
export function personSnapshot(u: User) {
  return {
    email: u.email,
    displayName: u.displayName,
    givenName: u.givenName,
    familyName: u.familyName,
    title: u.title,
    department: u.department,
    externalId: u.externalId,
    idpIssuer: u.idpIssuer,
    idpSubject: u.idpSubject,
    managerId: u.managerId,
    active: u.active,
    deletedAt: u.deletedAt,
  };
}
