import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { flushAtShutdown, RefusalThrottle } from "@/lib/oauth/refusal-throttle";
import { authenticateScimToken, type ScimClient } from "../scim-tokens";
import { scimDirectoryActor, type DirectoryActor } from "../directory-actor";
import { resourceTypes, schemas, serviceProviderConfig } from "./discovery-documents";
import { invalidSyntax, notFound, ScimError, scimErrorBody } from "./scim-error";
import { pageOf } from "./scim-list";
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from "./scim-groups";
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from "./scim-users";
import { SCHEMA_LIST } from "./scim-schemas";

export interface ScimRequest {
  method: string;
  /** The path below the SCIM base URL, e.g. "/Users/abc". */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  contentType: string | undefined;
  readBody(): Promise<Buffer>;
  clientAddress: string | null;
  requestId: string | null;
}

export interface ScimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ScimOptions {
  /** Absolute base URL of the SCIM endpoint (meta.location and $ref are built from it). */
  base: string;
  clock?: () => Date;
}

const ok = (body: unknown, status = 200): ScimResponse => ({ status, body });

async function jsonBody(req: ScimRequest): Promise<unknown> {
  const type = (req.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/scim+json" && type !== "application/json")
    throw invalidSyntax("send application/scim+json (or application/json)");
  let raw: Buffer;
  try {
    raw = await req.readBody();
  } catch (e) {
    const status = (e as { status?: unknown }).status;
    throw new ScimError(
      typeof status === "number" ? status : 400,
      e instanceof Error ? e.message : "unreadable body",
      "invalidSyntax",
    );
  }
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidSyntax("the body is not valid JSON");
  }
}

/** `excludedAttributes=members` (Okta, Entra) or an `attributes` list without members skip loading a group's members. */
function wantsMembers(q: URLSearchParams): boolean {
  const list = (name: string) =>
    (q.get(name) ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
  if (list("excludedAttributes").some((a) => a === "members" || a.endsWith(":members"))) return false;
  const only = list("attributes");
  return only.length === 0 || only.some((a) => a === "members" || a.startsWith("members.") || a.endsWith(":members"));
}

/** The path's segments, percent-decoded; a malformed escape (`%E0%A4%A`) names no resource: 404, never a URIError. */
function segmentsOf(path: string): string[] {
  try {
    return path.split("/").map((s) => decodeURIComponent(s));
  } catch {
    throw notFound();
  }
}

async function route(db: Db, req: ScimRequest, actor: DirectoryActor, base: string, now: Date): Promise<ScimResponse> {
  const [, collection = "", id, extra] = segmentsOf(req.path);
  if (extra !== undefined) throw notFound();
  const m = req.method;
  if (collection === "Users") {
    if (!id) {
      if (m === "GET")
        return ok(await listUsers(db, { filter: req.query.get("filter"), page: pageOf(req.query) }, base));
      if (m === "POST") return ok(await createUser(db, actor, await jsonBody(req), base, now), 201);
    } else {
      if (m === "GET") return ok(await getUser(db, id, base));
      if (m === "PUT") return ok(await replaceUser(db, actor, id, await jsonBody(req), base, now));
      if (m === "PATCH") return ok(await patchUser(db, actor, id, await jsonBody(req), base, now));
      if (m === "DELETE") return (await deleteUser(db, actor, id, now), ok(null, 204));
    }
    throw new ScimError(405, `${m} is not supported on ${req.path}`);
  }
  if (collection === "Groups") {
    if (!id) {
      if (m === "GET")
        return ok(
          await listGroups(
            db,
            { filter: req.query.get("filter"), page: pageOf(req.query), members: wantsMembers(req.query) },
            base,
          ),
        );
      if (m === "POST") return ok(await createGroup(db, actor, await jsonBody(req), base, now), 201);
    } else {
      if (m === "GET") return ok(await getGroup(db, id, base, { members: wantsMembers(req.query) }));
      if (m === "PUT") return ok(await replaceGroup(db, actor, id, await jsonBody(req), base, now));
      if (m === "PATCH") return (await patchGroup(db, actor, id, await jsonBody(req), now), ok(null, 204));
      if (m === "DELETE") return (await deleteGroup(db, actor, id, now), ok(null, 204));
    }
    throw new ScimError(405, `${m} is not supported on ${req.path}`);
  }
  throw notFound();
}

/** ServiceProviderConfig, ResourceTypes and Schemas: public descriptions of the endpoint (RFC 7644 §4). */
function discovery(req: ScimRequest, base: string): ScimResponse | null {
  const [, what = "", id] = segmentsOf(req.path);
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  const list = (items: { id: string }[]) =>
    id === undefined
      ? ok({
          schemas: [SCHEMA_LIST],
          totalResults: items.length,
          startIndex: 1,
          itemsPerPage: items.length,
          Resources: items,
        })
      : (() => {
          const one = items.find((i) => i.id === id);
          if (!one) throw notFound();
          return ok(one);
        })();
  if (what === "ServiceProviderConfig" && id === undefined) return ok(serviceProviderConfig(base));
  if (what === "ResourceTypes") return list(resourceTypes(base));
  if (what === "Schemas") return list(schemas(base));
  return null;
}

const strangers = new WeakMap<object, RefusalThrottle>();

/**
 * Unauthenticated SCIM requests cost their sender nothing: each address gets
 * a few audited refusals a minute, the rest are summarised in one event
 * (lib/oauth/refusal-throttle.ts; flushed at shutdown).
 */
function strangersOf(db: Db): RefusalThrottle {
  let throttle = strangers.get(db);
  if (!throttle) {
    throttle = flushAtShutdown(
      new RefusalThrottle((s) =>
        db
          .$transaction((tx) =>
            recordAudit(tx, {
              action: "directory.scim_refused",
              actorType: "system",
              actorId: null,
              actorLabel: "unauthenticated SCIM client",
              decision: "deny",
              reason: `${s.error}: ${s.count} further unauthenticated SCIM requests ${s.clientAddress ? "from this address" : "from many addresses"} refused in the last ${s.windowSeconds}s, recorded as this one event`,
              targetType: "scim_request",
              targetLabel: "unauthenticated SCIM requests",
              clientAddress: s.clientAddress,
              detail: { status: Number(s.error), suppressed: s.count, windowSeconds: s.windowSeconds },
            }),
          )
          .catch((e: unknown) => console.error("mandate: could not record suppressed SCIM refusals", e)),
      ),
    );
    strangers.set(db, throttle);
  }
  return throttle;
}

async function recordRefusal(
  db: Db,
  req: ScimRequest,
  client: ScimClient | null,
  e: ScimError,
  now: Date,
): Promise<void> {
  if (!client && !strangersOf(db).admit(req.clientAddress, String(e.status))) return;
  await db.$transaction((tx) =>
    recordAudit(tx, {
      action: "directory.scim_refused",
      actorType: "system",
      actorId: client?.id ?? null,
      actorLabel: client ? `SCIM client ${client.name}` : "unauthenticated SCIM client",
      decision: "deny",
      reason: `${e.status}${e.scimType ? ` ${e.scimType}` : ""}: ${e.message}`.slice(0, 1000),
      targetType: "scim_request",
      targetLabel: `${req.method} ${req.path}`.slice(0, 300),
      requestId: req.requestId,
      clientAddress: req.clientAddress,
      occurredAt: now,
      detail: { status: e.status, scimType: e.scimType ?? null },
    }),
  );
}

/**
 * The SCIM 2.0 service provider (RFC 7643/7644), framework-free: bearer
 * authentication with a SCIM token, then Users and Groups. Every refusal is a
 * SCIM error response and an audit event; a refused request changes nothing
 * (each write is one transaction).
 */
export async function handleScimRequest(db: Db, req: ScimRequest, opts: ScimOptions): Promise<ScimResponse> {
  const now = (opts.clock ?? (() => new Date()))();
  let client: ScimClient | null = null;
  try {
    const described = discovery(req, opts.base);
    if (described) return described;
    const [scheme, token] = (req.authorization ?? "").split(" ");
    client = scheme?.toLowerCase() === "bearer" && token ? await authenticateScimToken(db, token.trim(), now) : null;
    if (!client) {
      const e = new ScimError(401, "a valid SCIM bearer token is required");
      await recordRefusal(db, req, null, e, now);
      return { status: 401, body: scimErrorBody(e), headers: { "www-authenticate": 'Bearer realm="mandate-scim"' } };
    }
    const actor = scimDirectoryActor(client, { requestId: req.requestId, clientAddress: req.clientAddress });
    return await route(db, req, actor, opts.base, now);
  } catch (e) {
    if (!(e instanceof ScimError)) throw e;
    await recordRefusal(db, req, client, e, now);
    return { status: e.status, body: scimErrorBody(e) };
  }
}
