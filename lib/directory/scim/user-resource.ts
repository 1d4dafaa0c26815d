import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { invalidValue } from "./scim-error";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from "./scim-schemas";
import { has, isRecord, pick, scimBoolean, scimString } from "./scim-values";

/** The attributes of a person Mandate keeps from SCIM; the rest of a User resource is accepted and not stored. */
export interface UserAttributes {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  formatted: string | null;
  title: string | null;
  department: string | null;
  /** Manager as the client named them: Mandate's id (or the manager's externalId), resolved by the caller. */
  manager: string | null;
  active: boolean;
}

export const userSelect = {
  id: true,
  email: true,
  displayName: true,
  givenName: true,
  familyName: true,
  title: true,
  department: true,
  externalId: true,
  managerId: true,
  active: true,
  createdAt: true,
  updatedAt: true,
  manager: { select: { displayName: true } },
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

/** A person as a SCIM User resource (RFC 7643 §4.1, with the enterprise extension). */
export function toScimUser(u: UserRow, base: string): Record<string, unknown> {
  const enterprise: Record<string, unknown> = {};
  if (u.department) enterprise.department = u.department;
  if (u.managerId)
    enterprise.manager = {
      value: u.managerId,
      $ref: `${base}/Users/${u.managerId}`,
      displayName: u.manager?.displayName,
    };
  const name: Record<string, string> = { formatted: u.displayName };
  if (u.givenName) name.givenName = u.givenName;
  if (u.familyName) name.familyName = u.familyName;
  return {
    schemas: Object.keys(enterprise).length > 0 ? [SCHEMA_USER, SCHEMA_ENTERPRISE_USER] : [SCHEMA_USER],
    id: u.id,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    userName: u.email,
    name,
    displayName: u.displayName,
    ...(u.title ? { title: u.title } : {}),
    emails: [{ value: u.email, type: "work", primary: true }],
    active: u.active,
    ...(Object.keys(enterprise).length > 0 ? { [SCHEMA_ENTERPRISE_USER]: enterprise } : {}),
    meta: {
      resourceType: "User",
      created: u.createdAt.toISOString(),
      lastModified: u.updatedAt.toISOString(),
      location: `${base}/Users/${u.id}`,
    },
  };
}

/** The manager reference of the enterprise extension: `{ value }`, or a bare id as Entra sends it in PATCH. */
export function managerRef(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "string") return value.trim() || null;
  if (isRecord(value)) return scimString(pick(value, "value"), "manager.value", 200);
  throw invalidValue("manager must be an object with a value");
}

const USERNAME = /^[^\s]{1,320}$/;

/** Validates a userName; Mandate keys people by it (lower-cased: userName is case-insensitive). */
export function userNameOf(value: unknown): string {
  const v = scimString(value, "userName", 320);
  if (!v || !USERNAME.test(v)) throw invalidValue("userName is required and may not contain spaces");
  return v.toLowerCase();
}

/** Reads a full User resource (POST, PUT): what is absent is cleared, except `active` which defaults to true. */
export function parseUserResource(body: unknown): UserAttributes {
  if (!isRecord(body)) throw invalidValue("the body must be a JSON object");
  const schemas = pick(body, "schemas");
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCHEMA_USER))) {
    throw invalidValue(`schemas must include ${SCHEMA_USER}`);
  }
  const name = pick(body, "name");
  if (name !== undefined && name !== null && !isRecord(name)) throw invalidValue("name must be an object");
  const n = (name ?? {}) as Record<string, unknown>;
  const ext = pick(body, SCHEMA_ENTERPRISE_USER);
  if (ext !== undefined && ext !== null && !isRecord(ext))
    throw invalidValue("the enterprise extension must be an object");
  const e = (ext ?? {}) as Record<string, unknown>;
  const emails = pick(body, "emails");
  if (emails !== undefined && emails !== null && !Array.isArray(emails)) throw invalidValue("emails must be an array");
  return {
    userName: userNameOf(pick(body, "userName")),
    externalId: scimString(pick(body, "externalId"), "externalId", 200),
    displayName: scimString(pick(body, "displayName"), "displayName"),
    givenName: scimString(pick(n, "givenName"), "name.givenName"),
    familyName: scimString(pick(n, "familyName"), "name.familyName"),
    formatted: scimString(pick(n, "formatted"), "name.formatted"),
    title: scimString(pick(body, "title"), "title"),
    department: scimString(pick(e, "department"), "department"),
    manager: managerRef(pick(e, "manager")),
    active: has(body, "active") ? scimBoolean(pick(body, "active"), "active") : true,
  };
}

/** The display name Mandate shows: displayName, else the formatted name, else given + family, else the userName. */
export function displayNameOf(
  a: Pick<UserAttributes, "displayName" | "formatted" | "givenName" | "familyName" | "userName">,
): string {
  const joined = [a.givenName, a.familyName].filter(Boolean).join(" ");
  return a.displayName ?? a.formatted ?? (joined || a.userName);
}

/** The attributes of an existing person, for PATCH to start from. */
export function attributesOf(u: UserRow): UserAttributes {
  return {
    userName: u.email,
    externalId: u.externalId,
    displayName: u.displayName,
    givenName: u.givenName,
    familyName: u.familyName,
    formatted: null,
    title: u.title,
    department: u.department,
    manager: u.managerId,
    active: u.active,
  };
}
