import { invalidValue } from "./scim-error";
import { SCHEMA_GROUP } from "./scim-schemas";
import { isRecord, pick, scimString } from "./scim-values";

export interface GroupAttributes {
  displayName: string;
  externalId: string | null;
  /** User ids; null when the request did not speak of members. */
  members: string[] | null;
}

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toScimGroup(
  g: GroupRow,
  members: { userId: string; displayName: string }[] | null,
  base: string,
): Record<string, unknown> {
  return {
    schemas: [SCHEMA_GROUP],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(members
      ? {
          members: members.map((m) => ({ value: m.userId, $ref: `${base}/Users/${m.userId}`, display: m.displayName })),
        }
      : {}),
    meta: {
      resourceType: "Group",
      created: g.createdAt.toISOString(),
      lastModified: g.updatedAt.toISOString(),
      location: `${base}/Groups/${g.id}`,
    },
  };
}

export function groupDisplayName(value: unknown): string {
  const v = scimString(value, "displayName", 200);
  if (!v) throw invalidValue("displayName is required");
  return v;
}

/** Member references `[{ value: "<user id>" }]`; Mandate resolves them to people (unknown ids are an invalidValue). */
export function memberIds(value: unknown): string[] {
  const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.map((m, i) => {
    if (!isRecord(m)) throw invalidValue(`members[${i}] must be an object with a value`);
    const id = pick(m, "value");
    if (typeof id !== "string" || id.trim() === "") throw invalidValue(`members[${i}].value must be a user id`);
    return id.trim();
  });
}

export function parseGroupResource(body: unknown): GroupAttributes {
  if (!isRecord(body)) throw invalidValue("the body must be a JSON object");
  const schemas = pick(body, "schemas");
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCHEMA_GROUP)))
    throw invalidValue(`schemas must include ${SCHEMA_GROUP}`);
  return {
    displayName: groupDisplayName(pick(body, "displayName")),
    externalId: scimString(pick(body, "externalId"), "externalId", 200),
    members: memberIds(pick(body, "members")),
  };
}
