import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Principal } from "@/lib/auth/principal";
import { createDb, type Db } from "@/lib/db/client";
import { createScimToken, revokeScimToken, rotateScimToken } from "@/lib/directory/scim-tokens";
import { effectiveAccessOfUser } from "@/lib/entitlements/effective-access";
import { flushRefusalThrottles } from "@/lib/oauth/refusal-throttle";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import {
  ENTERPRISE,
  entraUser,
  GROUP_SCHEMA,
  oktaUser,
  scimClient,
  type ScimClient,
  USER_SCHEMA,
} from "../support/scim-client";

const admin: Principal = { kind: "system", label: "scim test", roles: ["admin"] };

/**
 * The SCIM 2.0 endpoint over real HTTP on both stores, driven the way Okta
 * and Entra ID provision: their user and group bodies, their PATCH shapes
 * (Entra's "False" strings and path-less replaces, Okta's
 * members[value eq "…"] removals), their filters and paging.
 */
describe.each(PROVIDERS)("SCIM provisioning on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let server: Server;
  let scim: ScimClient;
  let base: string;
  let token: string;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    // Trusting X-Forwarded-For lets a test speak from several addresses (only the throttle test sends it).
    server = createProtocolServer(ctx, { trustProxy: true });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    Object.assign(ctx, { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    base = `${ctx.issuer}/scim/v2`;
    token = (await createScimToken(db, admin, { name: "Okta" })).token;
    scim = scimClient(base, token);
  });

  afterAll(async () => {
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await db?.$disconnect();
    await fresh?.drop();
  });

  async function state() {
    return {
      users: await db.user.findMany({ orderBy: { id: "asc" } }),
      groups: await db.group.findMany({ orderBy: { id: "asc" } }),
      memberships: await db.groupMembership.count(),
    };
  }

  /** The request gets a SCIM error with this status and scimType, and the directory is exactly as before. */
  async function expectRefused(
    send: () => Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }>,
    status: number,
    scimType?: string,
  ) {
    const before = await state();
    const refusals = await db.auditEvent.count({ where: { action: "directory.scim_refused" } });
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(res.body.status).toBe(String(status));
    if (scimType) expect(res.body.scimType).toBe(scimType);
    expect(typeof res.body.detail).toBe("string");
    expect(await state()).toEqual(before);
    expect(await db.auditEvent.count({ where: { action: "directory.scim_refused" } })).toBe(refusals + 1);
    return res.body;
  }

  it("publishes ServiceProviderConfig, ResourceTypes and Schemas", async () => {
    const spc = await scimClient(base, "").call("GET", "/ServiceProviderConfig", undefined, { token: null });
    expect(spc.status).toBe(200);
    expect(spc.contentType).toMatch(/^application\/scim\+json/);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 1000 },
      bulk: { supported: false },
    });
    const types = await scim.get("/ResourceTypes");
    expect(types.body.Resources?.map((r) => r.id)).toEqual(["User", "Group"]);
    expect((await scim.get("/ResourceTypes/User")).body.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
    ]);
    const schemas = await scim.get("/Schemas");
    expect(schemas.body.Resources?.map((r) => r.id)).toEqual([USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA]);
    expect((await scim.get(`/Schemas/${ENTERPRISE}`)).body.name).toBe("EnterpriseUser");
  });

  it("refuses requests without a valid token, and a rotated or revoked token stops working", async () => {
    const anon = await expectRefused(() => scim.call("GET", "/Users", undefined, { token: null }), 401);
    expect(anon.detail).toMatch(/bearer token/);
    await expectRefused(() => scim.call("GET", "/Users", undefined, { token: "mdtscim_nope" }), 401);
    const issued = await createScimToken(db, admin, { name: "Entra" });
    expect((await scimClient(base, issued.token).get("/Users")).status).toBe(200);
    const rotated = await rotateScimToken(db, admin, issued.id);
    await expectRefused(() => scimClient(base, issued.token).get("/Users"), 401);
    expect((await scimClient(base, rotated.token).get("/Users")).status).toBe(200);
    await revokeScimToken(db, admin, rotated.id);
    await expectRefused(() => scimClient(base, rotated.token).get("/Users"), 401);
    const row = await db.scimToken.findUniqueOrThrow({ where: { id: rotated.id } });
    expect(row.secretHash).not.toContain(rotated.token);
    expect(
      await db.auditEvent.count({
        where: {
          action: {
            in: ["directory.scim_token_created", "directory.scim_token_rotated", "directory.scim_token_revoked"],
          },
        },
      }),
    ).toBe(4);
  });

  it("provisions, finds, replaces and deactivates a user as Okta does", async () => {
    const created = await scim.post("/Users", oktaUser("Ada.Lovelace@Acme.example", "Ada", "Lovelace"));
    expect(created.status).toBe(201);
    expect(created.contentType).toMatch(/^application\/scim\+json/);
    const id = String(created.body.id);
    expect(created.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: "ada.lovelace@acme.example",
      active: true,
      displayName: "Ada Lovelace",
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: "ada.lovelace@acme.example", type: "work", primary: true }],
      meta: { resourceType: "User", location: `${base}/Users/${id}` },
    });
    const row = await db.user.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ source: "scim", passwordHash: null, active: true });

    // Okta's import/match: userName eq (case-insensitive), then GET by id.
    const found = await scim.filter("Users", 'userName eq "ADA.LOVELACE@acme.example"', "&startIndex=1&count=100");
    expect(found.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
    });
    expect(found.body.Resources?.[0]?.id).toBe(id);
    expect((await scim.filter("Users", 'userName eq "nobody@acme.example"')).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    expect((await scim.get(`/Users/${id}`)).body.userName).toBe("ada.lovelace@acme.example");

    // Okta updates profiles with PUT (the whole resource).
    const put = await scim.put(`/Users/${id}`, {
      ...oktaUser("ada.lovelace@acme.example", "Ada", "King"),
      id,
      title: "Countess",
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: "Ada King", title: "Countess", name: { familyName: "King" } });

    // Okta deactivates with a path-less replace of active.
    const off = await scim.patch(`/Users/${id}`, [{ op: "replace", value: { active: false } }]);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id } })).deactivatedAt).toBeInstanceOf(Date);
    expect(await db.auditEvent.count({ where: { action: "directory.user_deactivated", targetId: id } })).toBe(1);
    // ... and reactivates the same way.
    expect((await scim.patch(`/Users/${id}`, [{ op: "replace", value: { active: true } }])).body.active).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "directory.user_reactivated", targetId: id } })).toBe(1);
  });

  it("provisions and patches a user as Entra ID does, with the enterprise manager and string booleans", async () => {
    const boss = await scim.post("/Users", entraUser("grace.hopper@acme.example", "Grace", "Hopper"));
    expect(boss.status).toBe(201);
    expect(boss.body[ENTERPRISE]).toEqual({ department: "Platform" });
    const created = await scim.post(
      "/Users",
      entraUser("alan.turing@acme.example", "Alan", "Turing", {
        [ENTERPRISE]: { department: "Research", manager: { value: boss.body.id } },
      }),
    );
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(created.body[ENTERPRISE]).toMatchObject({
      department: "Research",
      manager: { value: boss.body.id, displayName: "Grace Hopper" },
    });
    expect(created.body.externalId).toBe("alan.turing");

    // Entra: "Replace" with a path per attribute, the manager as a bare id, booleans as strings.
    const patched = await scim.patch(`/Users/${id}`, [
      { op: "Replace", path: "displayName", value: "Alan M. Turing" },
      { op: "Replace", path: "name.givenName", value: "Alan M." },
      { op: "Replace", path: `${ENTERPRISE}:department`, value: "Codebreaking" },
      { op: "Add", path: `${ENTERPRISE}:manager`, value: String(boss.body.id) },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "alan.turing@acme.example" },
      { op: "Add", path: 'phoneNumbers[type eq "work"].value', value: "+44 1234" },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: "Alan M. Turing",
      name: { givenName: "Alan M." },
      [ENTERPRISE]: { department: "Codebreaking" },
    });
    // Removing the manager.
    const noBoss = await scim.patch(`/Users/${id}`, [{ op: "Remove", path: `${ENTERPRISE}:manager` }]);
    expect((noBoss.body[ENTERPRISE] as Record<string, unknown>).manager).toBeUndefined();
    expect((await db.user.findUniqueOrThrow({ where: { id } })).managerId).toBeNull();

    // Deactivation with a path and the string "False" ...
    expect((await scim.patch(`/Users/${id}`, [{ op: "Replace", path: "active", value: "False" }])).body.active).toBe(
      false,
    );
    expect((await scim.patch(`/Users/${id}`, [{ op: "Replace", path: "active", value: "True" }])).body.active).toBe(
      true,
    );
    // ... and without one.
    expect((await scim.patch(`/Users/${id}`, [{ op: "Replace", value: { active: "False" } }])).body.active).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "directory.user_deactivated", targetId: id } })).toBe(2);
    // A repeated deactivation is no new event.
    await scim.patch(`/Users/${id}`, [{ op: "replace", path: "active", value: false }]);
    expect(await db.auditEvent.count({ where: { action: "directory.user_deactivated", targetId: id } })).toBe(2);
  });

  it('filters with eq, co, sw, and, externalId and emails[type eq "work"], and pages with startIndex and count', async () => {
    for (let i = 0; i < 7; i++)
      await scim.post(
        "/Users",
        oktaUser(`page${i}@paging.example`, `Pat${i}`, "Pager", { externalId: `ext-page-${i}` }),
      );
    const all = await scim.filter("Users", 'userName sw "page"');
    expect(all.body.totalResults).toBe(7);
    const page1 = await scim.filter("Users", 'userName sw "page"', "&startIndex=1&count=3");
    const page2 = await scim.filter("Users", 'userName sw "page"', "&startIndex=4&count=3");
    const page3 = await scim.filter("Users", 'userName sw "page"', "&startIndex=7&count=3");
    expect([page1, page2, page3].map((p) => [p.body.totalResults, p.body.startIndex, p.body.itemsPerPage])).toEqual([
      [7, 1, 3],
      [7, 4, 3],
      [7, 7, 1],
    ]);
    const seen = [page1, page2, page3].flatMap((p) => p.body.Resources!.map((r) => r.userName));
    expect(new Set(seen).size).toBe(7);
    expect((await scim.filter("Users", 'userName sw "page"', "&count=0")).body).toMatchObject({
      totalResults: 7,
      itemsPerPage: 0,
    });

    expect((await scim.filter("Users", 'externalId eq "ext-page-3"')).body.Resources?.map((r) => r.userName)).toEqual([
      "page3@paging.example",
    ]);
    expect((await scim.filter("Users", 'userName co "ge5@paging"')).body.totalResults).toBe(1);
    expect((await scim.filter("Users", 'userName sw "page" and externalId eq "ext-page-2"')).body.totalResults).toBe(1);
    expect((await scim.filter("Users", 'userName sw "page" and name.givenName eq "Pat4"')).body.totalResults).toBe(1);
    expect(
      (await scim.filter("Users", 'emails[type eq "work"].value eq "page6@paging.example"')).body.totalResults,
    ).toBe(1);
    expect(
      (await scim.filter("Users", 'emails[type eq "home"].value eq "page6@paging.example"')).body.totalResults,
    ).toBe(0);
    expect((await scim.filter("Users", `${USER_SCHEMA}:userName eq "page1@paging.example"`)).body.totalResults).toBe(1);
    expect((await scim.filter("Users", 'userName sw "page" and active eq true')).body.totalResults).toBe(7);
  });

  it("audits a few unauthenticated requests an address sends a minute, and summarises the rest in one event", async () => {
    const stranger = (n: number) =>
      fetch(`${base}/Users?n=${n}`, { headers: { authorization: "Bearer nope", "x-forwarded-for": "198.51.100.90" } });
    for (let i = 0; i < 26; i++) expect((await stranger(i)).status).toBe(401);
    const events = () =>
      db.auditEvent.findMany({
        where: { action: "directory.scim_refused", clientAddress: "198.51.100.90" },
        orderBy: { seq: "asc" },
      });
    expect(await events()).toHaveLength(20);
    await flushRefusalThrottles();
    const all = await events();
    expect(all).toHaveLength(21);
    expect(all[20]!.reason).toMatch(/^401: 6 further unauthenticated SCIM requests from this address refused/);
  });

  it("answers pr filters on every filterable attribute, required or optional", async () => {
    await scim.post("/Users", oktaUser("present1@pr.example", "Pres", "Ent", { title: "Engineer" }));
    await scim.post("/Users", oktaUser("present2@pr.example", "Pres", "Ent", { title: "" }));
    expect((await scim.filter("Users", 'userName sw "present" and userName pr')).body.totalResults).toBe(2);
    // An empty value is not present (RFC 7644 §3.4.2.2).
    expect((await scim.filter("Users", 'userName sw "present" and title pr')).body.totalResults).toBe(1);
    expect((await scim.filter("Users", 'userName sw "present" and not (title pr)')).body.totalResults).toBe(1);
    for (const attr of [
      "id",
      "displayName",
      "emails.value",
      "name.givenName",
      "externalId",
      "manager.value",
      "active",
      "meta.created",
      "meta.lastModified",
    ]) {
      const res = await scim.filter("Users", `userName sw "present" and ${attr} pr`);
      expect({ attr, status: res.status }).toEqual({ attr, status: 200 });
    }
    for (const attr of ["id", "displayName", "externalId", "meta.created"]) {
      expect({ attr, status: (await scim.filter("Groups", `${attr} pr`)).status }).toEqual({ attr, status: 200 });
    }
  });

  it("refuses deeply nested and long filters with invalidFilter, and malformed path escapes with 404, never 500", async () => {
    const nested = `${"(".repeat(990)}userName eq "x"${")".repeat(990)}`;
    await expectRefused(() => scim.filter("Users", nested), 400, "invalidFilter");
    await expectRefused(
      () => scim.filter("Users", `${"not (".repeat(300)}userName pr${")".repeat(300)}`),
      400,
      "invalidFilter",
    );
    const wide = Array.from({ length: 80 }, (_, i) => `userName eq "u${i}"`).join(" or ");
    await expectRefused(() => scim.filter("Groups", wide), 400, "invalidFilter");
    await expectRefused(() => scim.filter("Users", `userName eq "${"x".repeat(2100)}"`), 400, "invalidFilter");
    await expectRefused(() => scim.get("/Users/%E0%A4%A"), 404);
    // Before authentication too.
    await expectRefused(() => scimClient(base, "").call("GET", "/Schemas/%zz", undefined, { token: null }), 404);
    await expectRefused(() => scimClient(base, "").call("GET", "/Users/%", undefined, { token: null }), 404);
  });

  it("manages groups as Okta and Entra do: members added, removed by filter and by value list, renamed, replaced", async () => {
    const ids: string[] = [];
    for (const n of ["g1", "g2", "g3", "g4"])
      ids.push(String((await scim.post("/Users", oktaUser(`${n}@groups.example`, n, "Member"))).body.id));
    const created = await scim.post("/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: "Engineering",
      externalId: "00g-eng",
      members: [{ value: ids[0], display: "g1" }],
    });
    expect(created.status).toBe(201);
    const gid = String(created.body.id);
    expect(created.body).toMatchObject({
      displayName: "Engineering",
      externalId: "00g-eng",
      members: [{ value: ids[0] }],
      meta: { resourceType: "Group" },
    });

    // Okta: add with a value array.
    const add = await scim.patch(`/Groups/${gid}`, [
      {
        op: "add",
        path: "members",
        value: [
          { value: ids[1], display: "g2" },
          { value: ids[2], display: "g3" },
        ],
      },
    ]);
    expect(add.status).toBe(204);
    // Okta: remove by filter path.
    expect((await scim.patch(`/Groups/${gid}`, [{ op: "remove", path: `members[value eq "${ids[0]}"]` }])).status).toBe(
      204,
    );
    // Entra: "Remove" with a value list, and "Add" in the same request.
    expect(
      (
        await scim.patch(`/Groups/${gid}`, [
          { op: "Remove", path: "members", value: [{ value: ids[1] }] },
          { op: "Add", path: "members", value: [{ value: ids[3] }] },
        ])
      ).status,
    ).toBe(204);
    const members = async () =>
      (await db.groupMembership.findMany({ where: { groupId: gid }, select: { userId: true } }))
        .map((m) => m.userId)
        .sort();
    expect(await members()).toEqual([ids[2], ids[3]].sort());
    // Remove then add of the same person in one request leaves them in.
    await scim.patch(`/Groups/${gid}`, [
      { op: "remove", path: `members[value eq "${ids[2]}"]` },
      { op: "add", path: "members", value: [{ value: ids[2] }] },
    ]);
    expect(await members()).toEqual([ids[2], ids[3]].sort());

    // Okta renames with a path-less replace carrying the id.
    await scim.patch(`/Groups/${gid}`, [{ op: "replace", value: { id: gid, displayName: "Engineering (all)" } }]);
    const got = await scim.get(`/Groups/${gid}`);
    expect(got.body.displayName).toBe("Engineering (all)");
    expect((got.body.members as { value: string }[]).map((m) => m.value).sort()).toEqual([ids[2], ids[3]].sort());
    expect((await scim.get(`/Groups/${gid}?excludedAttributes=members`)).body.members).toBeUndefined();

    const byName = await scim.filter("Groups", 'displayName eq "Engineering (all)"', "&excludedAttributes=members");
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources?.[0]?.members).toBeUndefined();
    expect((await scim.filter("Groups", `members[value eq "${ids[3]}"]`)).body.totalResults).toBe(1);
    expect((await scim.filter("Groups", 'externalId eq "00g-eng"')).body.totalResults).toBe(1);

    // PUT replaces the member list.
    const put = await scim.put(`/Groups/${gid}`, {
      schemas: [GROUP_SCHEMA],
      displayName: "Engineering (all)",
      members: [{ value: ids[0] }],
    });
    expect(put.status).toBe(200);
    expect(await members()).toEqual([ids[0]]);
    const changes = await db.auditEvent.findMany({
      where: { action: "directory.group_changed", targetId: gid },
      orderBy: { seq: "asc" },
    });
    // add, remove by filter, Entra's remove+add, rename, PUT — the remove-then-add that changed nothing left no event.
    expect(changes.length).toBe(5);
    expect(changes.at(-1)!.detail).toMatchObject({
      added: [ids[0]],
      removed: expect.arrayContaining([ids[2], ids[3]]),
    });

    // DELETE is soft: hidden from SCIM, the row and its history kept.
    expect((await scim.del(`/Groups/${gid}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).status).toBe(404);
    expect((await db.group.findUniqueOrThrow({ where: { id: gid } })).deletedAt).toBeInstanceOf(Date);
    expect(await members()).toEqual([]);
  });

  it("applies membership changes to effective access at once", async () => {
    const srv = await db.mcpServer.create({
      data: { name: "Wiki", slug: "wiki", resourceUri: "https://wiki.example/mcp", enforcementMode: "native" },
    });
    const tool = await db.tool.create({
      data: { serverId: srv.id, name: "read_page", scope: "wiki.read", status: "approved" },
    });
    const ent = await db.entitlement.create({
      data: { name: "wiki-read", serverId: srv.id, tools: { create: [{ toolId: tool.id }] } },
    });
    const person = String((await scim.post("/Users", oktaUser("reader@wiki.example", "Rea", "Der"))).body.id);
    const group = String(
      (await scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Wiki readers" })).body.id,
    );
    await db.assignment.create({
      data: { entitlementId: ent.id, principalType: "group", groupId: group, justification: "test" },
    });
    // Warm the entitlement catalogue cache first: membership must not be cached with it.
    expect((await effectiveAccessOfUser(db, person)).tools).toEqual([]);
    await scim.patch(`/Groups/${group}`, [{ op: "add", path: "members", value: [{ value: person }] }]);
    expect((await effectiveAccessOfUser(db, person)).tools.map((t) => t.scope)).toEqual(["wiki.read"]);
    await scim.patch(`/Groups/${group}`, [{ op: "remove", path: `members[value eq "${person}"]` }]);
    expect((await effectiveAccessOfUser(db, person)).tools).toEqual([]);
  });

  it("answers malformed payloads, filters and conflicts with SCIM errors and changes nothing", async () => {
    const someone = String((await scim.post("/Users", oktaUser("taken@errors.example", "Tak", "En"))).body.id);
    await scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Taken group" });
    const gid = String((await scim.filter("Groups", 'displayName eq "Taken group"')).body.Resources![0]!.id);

    await expectRefused(
      () => scim.post("/Users", oktaUser("TAKEN@errors.example", "Dup", "Licate")),
      409,
      "uniqueness",
    );
    await expectRefused(
      () => scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Taken group" }),
      409,
      "uniqueness",
    );
    await expectRefused(
      () => scim.call("POST", "/Users", undefined, { raw: '{"userName": "broken@errors.example",' }),
      400,
      "invalidSyntax",
    );
    await expectRefused(
      () =>
        scim.call("POST", "/Users", undefined, { raw: "userName=x", contentType: "application/x-www-form-urlencoded" }),
      400,
      "invalidSyntax",
    );
    await expectRefused(
      () => scim.post("/Users", { schemas: [USER_SCHEMA], name: { givenName: "No" } }),
      400,
      "invalidValue",
    );
    await expectRefused(
      () => scim.post("/Users", { ...oktaUser("bad-active@errors.example", "B", "A"), active: "maybe" }),
      400,
      "invalidValue",
    );
    await expectRefused(
      () =>
        scim.post(
          "/Users",
          entraUser("orphan@errors.example", "O", "R", { [ENTERPRISE]: { manager: { value: "no-such-person" } } }),
        ),
      400,
      "invalidValue",
    );
    await expectRefused(() => scim.filter("Users", "userName eq"), 400, "invalidFilter");
    await expectRefused(() => scim.filter("Users", 'userName xx "a"'), 400, "invalidFilter");
    await expectRefused(() => scim.filter("Users", 'favouriteColour eq "blue"'), 400, "invalidFilter");
    await expectRefused(() => scim.filter("Users", 'active eq "yes"'), 400, "invalidFilter");
    await expectRefused(() => scim.call("GET", "/Users?startIndex=abc"), 400, "invalidValue");
    await expectRefused(() => scim.get("/Users/does-not-exist"), 404);
    await expectRefused(() => scim.patch("/Users/does-not-exist", [{ op: "replace", value: { active: false } }]), 404);
    await expectRefused(() => scim.del("/Groups/does-not-exist"), 404);
    await expectRefused(
      () => scim.call("PATCH", `/Users/${someone}`, { Operations: [{ op: "replace", value: { active: false } }] }),
      400,
      "invalidSyntax",
    );
    await expectRefused(
      () => scim.patch(`/Users/${someone}`, [{ op: "explode", path: "active", value: false }]),
      400,
      "invalidSyntax",
    );
    await expectRefused(
      () => scim.patch(`/Users/${someone}`, [{ op: "replace", path: "favouriteColour", value: "blue" }]),
      400,
      "invalidPath",
    );
    // All-or-nothing: the valid first operation is not applied either.
    await expectRefused(
      () =>
        scim.patch(`/Users/${someone}`, [
          { op: "replace", path: "active", value: false },
          { op: "replace", path: "active", value: "perhaps" },
        ]),
      400,
      "invalidValue",
    );
    await expectRefused(
      () =>
        scim.patch(`/Groups/${gid}`, [{ op: "add", path: "members", value: [{ value: someone }, { value: "ghost" }] }]),
      400,
      "invalidValue",
    );
    await expectRefused(
      () => scim.patch(`/Groups/${gid}`, [{ op: "remove", path: "members[value xx 1]" }]),
      400,
      "invalidFilter",
    );
    await expectRefused(() => scim.patch(`/Groups/${gid}`, [{ op: "remove" }]), 400, "noTarget");
    expect((await db.user.findUniqueOrThrow({ where: { id: someone } })).active).toBe(true);
  });

  it("deletes a user softly: hidden from SCIM and its groups, history kept, userName not reusable", async () => {
    const id = String((await scim.post("/Users", oktaUser("leaver@delete.example", "Lea", "Ver"))).body.id);
    const gid = String(
      (await scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Leavers", members: [{ value: id }] })).body
        .id,
    );
    expect((await scim.del(`/Users/${id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${id}`)).status).toBe(404);
    expect((await scim.filter("Users", 'userName eq "leaver@delete.example"')).body.totalResults).toBe(0);
    expect((await scim.get(`/Groups/${gid}`)).body.members).toEqual([]);
    const row = await db.user.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ active: false, email: "leaver@delete.example" });
    expect(row.deletedAt).toBeInstanceOf(Date);
    await expectRefused(() => scim.post("/Users", oktaUser("leaver@delete.example", "Lea", "Ver")), 409, "uniqueness");
    await expectRefused(() => scim.del(`/Users/${id}`), 404);
  });

  it("keeps the audit chain intact", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
