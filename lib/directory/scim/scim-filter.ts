import { parse, type Filter } from "scim2-parse-filter";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { invalidFilter } from "./scim-error";
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from "./scim-schemas";

export type { Filter };

/** Longest filter accepted: IdPs send short ones; a long one is a mistake or an attack. */
const MAX_FILTER_LENGTH = 2000;
/** Deepest nesting of parentheses, brackets and `not` accepted (IdPs send one or two levels). */
export const MAX_FILTER_DEPTH = 8;
/** Most comparisons in one filter: each becomes a condition of the query. */
export const MAX_FILTER_TERMS = 50;

/** Nesting of ( and [ outside quoted strings: checked before parsing, so a deep filter never reaches the parser. */
function textDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "(" || c === "[") max = Math.max(max, ++depth);
    else if (c === ")" || c === "]") depth = Math.max(0, depth - 1);
  }
  return max;
}

/** Depth and number of comparisons of a parsed filter. */
function shape(f: Filter): { depth: number; terms: number } {
  switch (f.op) {
    case "and":
    case "or": {
      const parts = f.filters.map(shape);
      return { depth: 1 + Math.max(0, ...parts.map((p) => p.depth)), terms: parts.reduce((n, p) => n + p.terms, 0) };
    }
    case "not": {
      const inner = shape(f.filter);
      return { depth: inner.depth + 1, terms: inner.terms };
    }
    case "[]": {
      const inner = shape(f.valFilter);
      return { depth: inner.depth + 1, terms: inner.terms };
    }
    default:
      return { depth: 0, terms: 1 };
  }
}

/**
 * Parses an RFC 7644 §3.4.2.2 filter with scim2-parse-filter (a maintained,
 * dependency-free parser); anything it rejects, and anything longer, deeper
 * or with more terms than the limits above, is a SCIM invalidFilter.
 */
export function parseScimFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`filter longer than ${MAX_FILTER_LENGTH} characters`);
  if (textDepth(text) > MAX_FILTER_DEPTH) throw invalidFilter(`filter nested deeper than ${MAX_FILTER_DEPTH} levels`);
  let filter: Filter;
  try {
    filter = parse(text);
  } catch (e) {
    throw invalidFilter(`filter could not be parsed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
  }
  const { depth, terms } = shape(filter);
  if (depth > MAX_FILTER_DEPTH) throw invalidFilter(`filter nested deeper than ${MAX_FILTER_DEPTH} levels`);
  if (terms > MAX_FILTER_TERMS) throw invalidFilter(`filter has more than ${MAX_FILTER_TERMS} comparisons`);
  return filter;
}

/** `optional`: the column may be null (or, for text, empty), so `pr` tests it; a required column is always present. */
type Column = { field: string; kind: "text" | "lowerText" | "exactText" | "boolean" | "date"; optional?: boolean };
type Where = Record<string, unknown>;

/** Attribute path without its schema URN prefix, lower-cased (attribute names are case-insensitive, RFC 7643 §2.1). */
function attrKey(path: string, schemas: string[]): string {
  const lower = path.toLowerCase();
  for (const s of schemas) {
    const p = `${s.toLowerCase()}:`;
    if (lower.startsWith(p)) return lower.slice(p.length);
  }
  return lower;
}

function comparison(column: Column, op: string, value: unknown, insensitive = false): Where {
  const { field, kind } = column;
  // RFC 7644 §3.4.2.2: pr matches a non-empty value.
  if (op === "pr") {
    if (!column.optional) return {};
    return kind === "boolean" || kind === "date"
      ? { [field]: { not: null } }
      : { AND: [{ [field]: { not: null } }, { [field]: { not: "" } }] };
  }
  if (kind === "boolean") {
    if (typeof value !== "boolean" || (op !== "eq" && op !== "ne"))
      throw invalidFilter(`${field} compares with eq/ne and true/false only`);
    return { [field]: op === "eq" ? value : { not: value } };
  }
  if (kind === "date") {
    const d = typeof value === "string" ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) throw invalidFilter(`${field} needs a date-time value`);
    const ops: Record<string, string> = { eq: "equals", gt: "gt", ge: "gte", lt: "lt", le: "lte" };
    if (op === "ne") return { [field]: { not: d } };
    if (!ops[op]) throw invalidFilter(`operator ${op} does not apply to dates`);
    return { [field]: { [ops[op]!]: d } };
  }
  if (typeof value !== "string") throw invalidFilter(`${field} needs a string value`);
  // userName is stored lower-cased (it is case-insensitive, RFC 7643 §4.1.1).
  const v = kind === "lowerText" ? value.toLowerCase() : value;
  // Case-insensitive text (displayName, names) on PostgreSQL; SQLite's LIKE already ignores ASCII case for co/sw/ew.
  const mode = insensitive && kind === "text" ? { mode: "insensitive" } : {};
  switch (op) {
    case "eq":
      return { [field]: { equals: v, ...mode } };
    case "ne":
      return { [field]: { not: v } };
    case "co":
      return { [field]: { contains: v, ...mode } };
    case "sw":
      return { [field]: { startsWith: v, ...mode } };
    case "ew":
      return { [field]: { endsWith: v, ...mode } };
    case "gt":
      return { [field]: { gt: v } };
    case "ge":
      return { [field]: { gte: v } };
    case "lt":
      return { [field]: { lt: v } };
    case "le":
      return { [field]: { lte: v } };
    default:
      throw invalidFilter(`unsupported operator ${op}`);
  }
}

interface Mapping {
  insensitive?: boolean;
  columns: Record<string, Column>;
  /** A filter on a multi-valued attribute, e.g. emails[type eq "work"] or members[value eq "…"]. */
  valuePath(attr: string, inner: Filter): Where;
  schemas: string[];
}

function compile(f: Filter, m: Mapping): Where {
  switch (f.op) {
    case "and":
      return { AND: f.filters.map((x) => compile(x, m)) };
    case "or":
      return { OR: f.filters.map((x) => compile(x, m)) };
    case "not":
      return { NOT: compile(f.filter, m) };
    case "[]":
      return m.valuePath(attrKey(f.attrPath, m.schemas), f.valFilter);
    default: {
      const cmp = f as Extract<Filter, { attrPath: string; op: string }>;
      const column = m.columns[attrKey(cmp.attrPath, m.schemas)];
      if (!column) throw invalidFilter(`unknown or unfilterable attribute ${cmp.attrPath}`);
      return comparison(column, cmp.op, "compValue" in cmp ? cmp.compValue : undefined, m.insensitive);
    }
  }
}

const USER_COLUMNS: Record<string, Column> = {
  id: { field: "id", kind: "exactText" },
  username: { field: "email", kind: "lowerText" },
  "emails.value": { field: "email", kind: "lowerText" },
  emails: { field: "email", kind: "lowerText" },
  externalid: { field: "externalId", kind: "exactText", optional: true },
  displayname: { field: "displayName", kind: "text" },
  "name.givenname": { field: "givenName", kind: "text", optional: true },
  "name.familyname": { field: "familyName", kind: "text", optional: true },
  title: { field: "title", kind: "text", optional: true },
  department: { field: "department", kind: "text", optional: true },
  "manager.value": { field: "managerId", kind: "exactText", optional: true },
  manager: { field: "managerId", kind: "exactText", optional: true },
  active: { field: "active", kind: "boolean" },
  "meta.created": { field: "createdAt", kind: "date" },
  "meta.lastmodified": { field: "updatedAt", kind: "date" },
};

/** Prisma conditions for a Users filter (deleted people are excluded by the caller). */
export function userFilterWhere(f: Filter, opts: { insensitive?: boolean } = {}): Prisma.UserWhereInput {
  return compile(f, {
    insensitive: opts.insensitive,
    columns: USER_COLUMNS,
    schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE_USER],
    valuePath(attr, inner) {
      if (attr !== "emails") throw invalidFilter(`unsupported filter on ${attr}`);
      return emailsWhere(inner);
    },
  }) as Prisma.UserWhereInput;
}

const NEVER: Where = { id: { in: [] } };

/**
 * Inside emails[...]: a person has one address, their work and primary one —
 * so `type eq "work"` and `primary eq true` hold for it, other types for none.
 */
function emailsWhere(f: Filter): Where {
  if (f.op === "and") return { AND: f.filters.map(emailsWhere) };
  if (f.op === "or") return { OR: f.filters.map(emailsWhere) };
  if (f.op === "not") return { NOT: emailsWhere(f.filter) };
  if (f.op === "[]") throw invalidFilter("nested filters are not supported");
  const cmp = f as Extract<Filter, { attrPath: string; op: string }>;
  const attr = cmp.attrPath.toLowerCase();
  const value = "compValue" in cmp ? cmp.compValue : undefined;
  if (attr === "type") {
    if (cmp.op !== "eq" || typeof value !== "string") throw invalidFilter("emails type can be filtered with eq only");
    return value.toLowerCase() === "work" ? {} : NEVER;
  }
  if (attr === "primary") {
    if (cmp.op !== "eq" || typeof value !== "boolean")
      throw invalidFilter("emails primary can be filtered with eq true/false only");
    return value ? {} : NEVER;
  }
  if (attr === "value") return comparison({ field: "email", kind: "lowerText" }, cmp.op, value);
  throw invalidFilter(`unknown attribute emails.${cmp.attrPath}`);
}

const GROUP_COLUMNS: Record<string, Column> = {
  id: { field: "id", kind: "exactText" },
  displayname: { field: "displayName", kind: "text" },
  externalid: { field: "externalId", kind: "exactText", optional: true },
  "meta.created": { field: "createdAt", kind: "date" },
  "meta.lastmodified": { field: "updatedAt", kind: "date" },
};

/** Prisma conditions for a Groups filter; `members.value eq "id"` / members[value eq "id"] find a person's groups. */
export function groupFilterWhere(f: Filter, opts: { insensitive?: boolean } = {}): Prisma.GroupWhereInput {
  const memberIs = (inner: Filter): Where => {
    if (
      inner.op !== "eq" ||
      !("attrPath" in inner) ||
      inner.attrPath.toLowerCase() !== "value" ||
      typeof inner.compValue !== "string"
    ) {
      throw invalidFilter('members can be filtered with value eq "<id>" only');
    }
    return { members: { some: { userId: inner.compValue } } };
  };
  const mapping: Mapping = {
    insensitive: opts.insensitive,
    columns: GROUP_COLUMNS,
    schemas: [SCHEMA_GROUP],
    valuePath(attr, inner) {
      if (attr !== "members") throw invalidFilter(`unsupported filter on ${attr}`);
      return memberIs(inner);
    },
  };
  return compileGroup(f, mapping, memberIs) as Prisma.GroupWhereInput;
}

function compileGroup(f: Filter, m: Mapping, memberIs: (inner: Filter) => Where): Where {
  if (f.op === "and") return { AND: f.filters.map((x) => compileGroup(x, m, memberIs)) };
  if (f.op === "or") return { OR: f.filters.map((x) => compileGroup(x, m, memberIs)) };
  if (f.op === "not") return { NOT: compileGroup(f.filter, m, memberIs) };
  if ("attrPath" in f && f.op !== "[]" && attrKey(f.attrPath, m.schemas) === "members.value") {
    return memberIs({ ...f, attrPath: "value" } as Filter);
  }
  return compile(f, m);
}
