import { invalidPath, invalidValue } from "./scim-error";
import { normalizedPath, type PatchOperation } from "./patch-operations";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_USER } from "./scim-schemas";
import { managerRef, userNameOf, type UserAttributes } from "./user-resource";
import { isRecord, scimBoolean, scimString } from "./scim-values";

const SCHEMAS = [SCHEMA_USER, SCHEMA_ENTERPRISE_USER] as const;

/**
 * Attributes of the User resource that clients send and Mandate does not keep
 * (phone numbers, addresses, locale…): accepted and ignored, so that an IdP's
 * default attribute mapping does not fail provisioning.
 */
const IGNORED =
  /^(emails|phonenumbers|addresses|ims|photos|x509certificates|roles|entitlements|nickname|preferredlanguage|locale|timezone|usertype|profileurl|password|employeenumber|organization|division|costcenter|name\.(middlename|honorificprefix|honorificsuffix))\b/;

type Op = PatchOperation["op"];

function set(attrs: UserAttributes, key: string, value: unknown, op: Op): void {
  const clear = op === "remove";
  switch (key) {
    case "active":
      if (clear) throw invalidValue("active cannot be removed");
      attrs.active = scimBoolean(value, "active");
      return;
    case "username":
      if (clear) throw invalidValue("userName cannot be removed");
      attrs.userName = userNameOf(value);
      return;
    case "displayname":
      attrs.displayName = clear ? null : scimString(value, "displayName");
      return;
    case "externalid":
      attrs.externalId = clear ? null : scimString(value, "externalId", 200);
      return;
    case "title":
      attrs.title = clear ? null : scimString(value, "title");
      return;
    case "name.givenname":
      attrs.givenName = clear ? null : scimString(value, "name.givenName");
      return;
    case "name.familyname":
      attrs.familyName = clear ? null : scimString(value, "name.familyName");
      return;
    case "name.formatted":
      attrs.formatted = clear ? null : scimString(value, "name.formatted");
      return;
    case "name":
      if (clear || value === null) {
        attrs.givenName = attrs.familyName = attrs.formatted = null;
        return;
      }
      if (!isRecord(value)) throw invalidValue("name must be an object");
      for (const [k, v] of Object.entries(value)) set(attrs, `name.${k.toLowerCase()}`, v, op);
      return;
    case "department":
      attrs.department = clear ? null : scimString(value, "department");
      return;
    case "manager":
    case "manager.value":
      attrs.manager = clear ? null : managerRef(value);
      return;
    case "": // the enterprise extension as a whole: { department, manager }
      if (clear || value === null) {
        attrs.department = attrs.manager = null;
        return;
      }
      if (!isRecord(value)) throw invalidValue(`${SCHEMA_ENTERPRISE_USER} must be an object`);
      for (const [k, v] of Object.entries(value)) set(attrs, normalizedPath(k, SCHEMAS), v, op);
      return;
    default:
      if (IGNORED.test(key) || key === "schemas" || key === "id" || key === "meta") return;
      throw invalidPath(`unknown attribute ${key}`);
  }
}

/**
 * Applies a PATCH to a person's attributes (RFC 7644 §3.5.2) as Okta and Entra
 * send it: with a path (`active`, `name.givenName`, the enterprise extension's
 * `…:User:manager`), or without one, where the value object's keys are paths
 * themselves (Entra: `{"active": "False"}`, `{"name.givenName": "A"}`).
 */
export function applyUserPatch(current: UserAttributes, ops: PatchOperation[]): UserAttributes {
  const attrs = { ...current };
  for (const o of ops) {
    if (o.path === null) {
      for (const [k, v] of Object.entries(o.value as Record<string, unknown>))
        set(attrs, normalizedPath(k, SCHEMAS), v, o.op);
    } else {
      set(attrs, normalizedPath(o.path, SCHEMAS), o.value, o.op);
    }
  }
  return attrs;
}
