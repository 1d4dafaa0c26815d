import { describe, expect, it } from "vitest";
import { groupChangeOf } from "@/lib/directory/scim/group-patch";
import { parsePatchOperations } from "@/lib/directory/scim/patch-operations";
import { ScimError } from "@/lib/directory/scim/scim-error";
import { groupFilterWhere, parseScimFilter, userFilterWhere } from "@/lib/directory/scim/scim-filter";
import { applyUserPatch } from "@/lib/directory/scim/user-patch";
import type { UserAttributes } from "@/lib/directory/scim/user-resource";

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ops = (...operations: unknown[]) => parsePatchOperations({ schemas: [PATCH], Operations: operations });
const scimError = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return { status: e.status, scimType: e.scimType };
    throw e;
  }
  throw new Error("no error");
};

const person: UserAttributes = {
  userName: "ada@acme.example",
  externalId: "00u1",
  displayName: "Ada",
  givenName: "Ada",
  familyName: "Lovelace",
  formatted: null,
  title: null,
  department: null,
  manager: null,
  active: true,
};

describe("SCIM filters", () => {
  it("compiles the filters IdPs send into conditions on Mandate's columns", () => {
    expect(userFilterWhere(parseScimFilter('userName eq "Ada@Acme.example"'))).toEqual({
      email: { equals: "ada@acme.example" },
    });
    expect(
      userFilterWhere(parseScimFilter('externalId eq "00u1" and displayName co "Lo"'), { insensitive: true }),
    ).toEqual({
      AND: [{ externalId: { equals: "00u1" } }, { displayName: { contains: "Lo", mode: "insensitive" } }],
    });
    expect(userFilterWhere(parseScimFilter('emails[type eq "work"].value sw "ada"'))).toEqual({
      AND: [{}, { email: { startsWith: "ada" } }],
    });
    expect(userFilterWhere(parseScimFilter(`${ENTERPRISE}:manager.value eq "m1"`))).toEqual({
      managerId: { equals: "m1" },
    });
    expect(userFilterWhere(parseScimFilter("active eq false"))).toEqual({ active: false });
    expect(groupFilterWhere(parseScimFilter('displayName eq "Eng" or members[value eq "u1"]'))).toEqual({
      OR: [{ displayName: { equals: "Eng" } }, { members: { some: { userId: "u1" } } }],
    });
  });

  it("refuses what it cannot answer with invalidFilter", () => {
    for (const bad of [
      "userName eq",
      'userName zz "a"',
      'nickName eq "x"',
      'active eq "true"',
      'meta.lastModified gt "yesterday"',
      `${"x".repeat(2001)}`,
    ]) {
      expect(scimError(() => userFilterWhere(parseScimFilter(bad)))).toEqual({
        status: 400,
        scimType: "invalidFilter",
      });
    }
    expect(scimError(() => groupFilterWhere(parseScimFilter('members[display eq "x"]')))).toEqual({
      status: 400,
      scimType: "invalidFilter",
    });
  });
});

describe("SCIM PATCH", () => {
  it("reads Entra's user PATCH: capitalised ops, string booleans, path-less values, the manager as a bare id", () => {
    const next = applyUserPatch(
      person,
      ops(
        { op: "Replace", path: "active", value: "False" },
        { op: "Replace", value: { "name.givenName": "Augusta", title: "Countess" } },
        { op: "Add", path: `${ENTERPRISE}:manager`, value: "boss-id" },
        { op: "Replace", path: `${ENTERPRISE}:department`, value: "Maths" },
        { op: "Replace", path: 'emails[type eq "work"].value', value: "ignored@acme.example" },
      ),
    );
    expect(next).toEqual({
      ...person,
      active: false,
      givenName: "Augusta",
      title: "Countess",
      manager: "boss-id",
      department: "Maths",
    });
    expect(applyUserPatch(next, ops({ op: "remove", path: `${ENTERPRISE}:manager` })).manager).toBeNull();
    expect(applyUserPatch(person, ops({ op: "replace", value: { active: false } })).active).toBe(false);
    expect(
      applyUserPatch(person, ops({ op: "replace", value: { [ENTERPRISE]: { manager: { value: "m2" } } } })).manager,
    ).toBe("m2");
  });

  it("refuses unknown attributes, bad values and malformed messages", () => {
    expect(scimError(() => applyUserPatch(person, ops({ op: "replace", path: "shoeSize", value: 9 })))).toEqual({
      status: 400,
      scimType: "invalidPath",
    });
    expect(scimError(() => applyUserPatch(person, ops({ op: "replace", path: "active", value: "nope" })))).toEqual({
      status: 400,
      scimType: "invalidValue",
    });
    expect(scimError(() => applyUserPatch(person, ops({ op: "remove", path: "userName" })))).toEqual({
      status: 400,
      scimType: "invalidValue",
    });
    expect(scimError(() => parsePatchOperations({ Operations: [] }))).toEqual({
      status: 400,
      scimType: "invalidSyntax",
    });
    expect(scimError(() => ops({ op: "move", path: "x", value: 1 }))).toEqual({
      status: 400,
      scimType: "invalidSyntax",
    });
    expect(scimError(() => ops({ op: "remove" }))).toEqual({ status: 400, scimType: "noTarget" });
  });

  it("reads Okta's and Entra's group PATCH shapes as ordered member steps", () => {
    expect(
      groupChangeOf(
        ops(
          { op: "add", path: "members", value: [{ value: "u1", display: "One" }, { value: "u2" }] },
          { op: "remove", path: 'members[value eq "u1"]' },
          { op: "Remove", path: "members", value: [{ value: "u3" }] },
          { op: "replace", value: { id: "g1", displayName: "Renamed" } },
        ),
      ),
    ).toEqual({
      displayName: "Renamed",
      steps: [
        { kind: "add", ids: ["u1", "u2"] },
        { kind: "remove", ids: ["u1"] },
        { kind: "remove", ids: ["u3"] },
      ],
    });
    expect(groupChangeOf(ops({ op: "replace", path: "members", value: [{ value: "u9" }] }))).toEqual({
      replaceMembers: ["u9"],
      steps: [],
    });
    expect(groupChangeOf(ops({ op: "remove", path: "members" }))).toEqual({ replaceMembers: [], steps: [] });
    expect(
      scimError(() => groupChangeOf(ops({ op: "add", path: "members", value: [{ display: "no value" }] }))),
    ).toEqual({ status: 400, scimType: "invalidValue" });
    expect(scimError(() => groupChangeOf(ops({ op: "remove", path: 'members[display eq "x"]' })))).toEqual({
      status: 400,
      scimType: "invalidPath",
    });
  });
});
