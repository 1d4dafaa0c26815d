import { parseScimFilter } from "./scim-filter";
import { invalidPath, invalidValue, ScimError } from "./scim-error";
import { groupDisplayName, memberIds } from "./group-resource";
import { normalizedPath, type PatchOperation } from "./patch-operations";
import { SCHEMA_GROUP } from "./scim-schemas";
import { isRecord, scimString } from "./scim-values";

/** What a group PATCH asks for, as increments: large groups are never rewritten whole for one member. */
export interface GroupChange {
  displayName?: string;
  externalId?: string | null;
  /** Replace the whole member list with this (applied before the steps). */
  replaceMembers?: string[];
  /** Member additions and removals, in the order sent. */
  steps: { kind: "add" | "remove"; ids: string[] }[];
}

/** `members[value eq "id"]` (Okta's removal) → the id. */
function memberFilterTarget(path: string): string {
  const open = path.indexOf("[");
  const close = path.lastIndexOf("]");
  if (open < 0 || close < open) throw invalidPath(`unsupported path ${path}`);
  if (path.slice(close + 1).trim() !== "") throw invalidPath(`unsupported path ${path}`);
  const filter = parseScimFilter(path.slice(open + 1, close));
  if (
    filter.op !== "eq" ||
    !("attrPath" in filter) ||
    filter.attrPath.toLowerCase() !== "value" ||
    typeof filter.compValue !== "string"
  ) {
    throw invalidPath('members can be addressed as members[value eq "<id>"] only');
  }
  return filter.compValue;
}

function applyAttr(change: GroupChange, key: string, value: unknown, op: PatchOperation["op"]): void {
  switch (key) {
    case "displayname":
      if (op === "remove") throw invalidValue("displayName cannot be removed");
      change.displayName = groupDisplayName(value);
      return;
    case "externalid":
      change.externalId = op === "remove" ? null : scimString(value, "externalId", 200);
      return;
    case "members":
      if (op === "replace") {
        change.replaceMembers = memberIds(value);
        change.steps = [];
      } else if (op === "add") {
        change.steps.push({ kind: "add", ids: memberIds(value) });
      } else if (value === undefined || value === null) {
        change.replaceMembers = []; // remove with no value: all members (RFC 7644 §3.5.2.2)
        change.steps = [];
      } else {
        change.steps.push({ kind: "remove", ids: memberIds(value) }); // Entra: remove with a value list
      }
      return;
    case "id":
    case "schemas":
    case "meta":
      return; // Okta repeats the id in a path-less replace
    default:
      throw invalidPath(`unknown attribute ${key}`);
  }
}

/**
 * Reads a group PATCH as Okta and Entra send it: `add`/`remove` on `members`
 * with value arrays, Okta's `remove` with `members[value eq "…"]`, Entra's
 * `remove` with a value list, and a path-less `replace` whose value holds
 * attributes (`{id, displayName}` from Okta).
 */
export function groupChangeOf(ops: PatchOperation[]): GroupChange {
  const change: GroupChange = { steps: [] };
  for (const o of ops) {
    if (o.path === null) {
      if (!isRecord(o.value)) throw invalidValue("without a path, value must be an object");
      for (const [k, v] of Object.entries(o.value)) applyAttr(change, normalizedPath(k, [SCHEMA_GROUP]), v, o.op);
      continue;
    }
    const path = normalizedPath(o.path, [SCHEMA_GROUP]);
    if (path.startsWith("members[")) {
      const id = memberFilterTarget(o.path.slice(o.path.toLowerCase().indexOf("members[")));
      if (o.op !== "remove")
        throw new ScimError(400, "members[…] can only be removed; add members with path members", "invalidPath");
      change.steps.push({ kind: "remove", ids: [id] });
      continue;
    }
    applyAttr(change, path, o.value, o.op);
  }
  return change;
}
