/**
 * A SCIM client that sends requests the way the common IdPs do: Okta and
 * Entra ID both send `application/scim+json` bodies with a bearer token; the
 * bodies in the tests are copied from their documented request shapes.
 */
export interface ScimReply {
  status: number;
  contentType: string | null;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
}

export function scimClient(base: string, token: string) {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { raw?: string; contentType?: string; token?: string | null } = {},
  ): Promise<ScimReply> {
    const headers: Record<string, string> = { accept: "application/scim+json" };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? token}`;
    if (body !== undefined || opts.raw !== undefined)
      headers["content-type"] = opts.contentType ?? "application/scim+json";
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get("content-type"),
      body: text ? (JSON.parse(text) as ScimReply["body"]) : {},
    };
  }
  return {
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown) => call("POST", path, body),
    put: (path: string, body: unknown) => call("PUT", path, body),
    patch: (path: string, ops: unknown[]) =>
      call("PATCH", path, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: ops }),
    del: (path: string) => call("DELETE", path),
    filter: (collection: "Users" | "Groups", filter: string, extra = "") =>
      call("GET", `/${collection}?filter=${encodeURIComponent(filter)}${extra}`),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** A user as Okta creates it (POST /Users). */
export function oktaUser(login: string, first: string, last: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName: login,
    name: { givenName: first, familyName: last },
    emails: [{ primary: true, value: login, type: "work" }],
    displayName: `${first} ${last}`,
    locale: "en-US",
    externalId: `00u${Buffer.from(login).toString("hex").slice(0, 14)}`,
    groups: [],
    password: "not-stored-1!",
    active: true,
    ...extra,
  };
}

/** A user as Entra ID creates it (POST /Users), with the enterprise extension. */
export function entraUser(upn: string, given: string, family: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: upn.split("@")[0],
    userName: upn,
    active: true,
    displayName: `${given} ${family}`,
    emails: [{ primary: true, type: "work", value: upn }],
    meta: { resourceType: "User" },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    title: "Engineer",
    [ENTERPRISE]: { department: "Platform" },
    ...extra,
  };
}
