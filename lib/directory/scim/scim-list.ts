import { invalidValue } from "./scim-error";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SCHEMA_LIST } from "./scim-schemas";

export interface Page {
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
}

/** startIndex below 1 counts as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); non-numbers are an invalidValue. */
export function pageOf(params: URLSearchParams): Page {
  const num = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer`);
    return n;
  };
  return {
    startIndex: Math.max(1, num("startIndex", 1)),
    count: Math.min(MAX_PAGE_SIZE, Math.max(0, num("count", DEFAULT_PAGE_SIZE))),
  };
}

export function listResponse(resources: unknown[], totalResults: number, page: Page): Record<string, unknown> {
  return {
    schemas: [SCHEMA_LIST],
    totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
