import { invalidValue } from "./scim-error";

/**
 * Entra ID sends booleans as the strings "True"/"False" in PATCH values; SCIM
 * says boolean. Both are accepted; anything else is an invalidValue.
 */
export function scimBoolean(value: unknown, attr: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
  }
  throw invalidValue(`${attr} must be a boolean`);
}

/** A string attribute, or null when cleared; anything else is an invalidValue. */
export function scimString(value: unknown, attr: string, max = 300): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw invalidValue(`${attr} must be a string`);
  const v = value.trim();
  if (v.length > max) throw invalidValue(`${attr} is longer than ${max} characters`);
  return v === "" ? null : v;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Looks a key up case-insensitively (SCIM attribute names are case-insensitive, RFC 7643 §2.1). */
export function pick(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

export function has(obj: Record<string, unknown>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(obj).some((k) => k.toLowerCase() === lower);
}
