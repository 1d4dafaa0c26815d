import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKey, rotateApiKey } from "@/lib/auth/api-keys";
import type { ConsoleRole } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { consoleDirectoryActor } from "@/lib/directory/directory-actor";
import { createScimToken } from "@/lib/directory/scim-tokens";
import { deactivatePerson, reactivatePerson } from "@/lib/directory/set-person-active";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { grantConsoleRole, removeConsoleRole } from "@/lib/people/console-roles";
import { createProtocolServer } from "@/server/protocol-server";
import { GET as getMe } from "@/app/api/v1/me/route";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";
import { scimClient, type ScimClient } from "../support/scim-client";

// The JSON API authenticates bearer keys against getDb(); no console session is involved.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

/**
 * Admin API keys end with their holder, on both stores: deactivation (console
 * or SCIM), deletion and losing a role revoke the keys in the same
 * transaction, audited; and `GET /api/v1/me` (the route handler, through the
 * JSON API's one authentication path) refuses a key whose holder is inactive
 * or no longer holds its role, even when the row was changed by hand.
 */
describe.each(PROVIDERS)("API keys end with their holder on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let server: Server;
  let scim: ScimClient;
  const holder = globalThis as unknown as { __mandateDb?: Db };
  let previous: Db | undefined;

  let seq = 0;
  async function person(roles: ConsoleRole[]): Promise<Principal & { kind: "user" }> {
    const n = ++seq;
    const row = await db.user.create({
      data: {
        email: `holder${n}@keys.test`,
        displayName: `Holder ${n}`,
        source: "local",
        roles: { create: roles.map((role) => ({ role })) },
      },
    });
    return {
      kind: "user",
      userId: row.id,
      email: row.email,
      displayName: row.displayName,
      roles,
      consoleSessionId: `cs-${n}`,
    };
  }
  let admin: Principal & { kind: "user" };

  const me = async (key: string) => {
    const res = await getMe(
      new NextRequest("http://mandate.test/api/v1/me", { headers: { authorization: `Bearer ${key}` } }),
      { params: Promise.resolve({}) },
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const key = (actor: Principal, role: ConsoleRole, name = `${role} key ${++seq}`) =>
    createApiKey(db, actor, { name, role, expiresInDays: 30 });
  const revokedAt = async (id: string) => (await db.apiKey.findUniqueOrThrow({ where: { id } })).revokedAt;
  const revocation = (id: string) =>
    db.auditEvent.findFirstOrThrow({ where: { action: "apikey.revoked", targetId: id } });

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    previous = holder.__mandateDb;
    holder.__mandateDb = db;
    const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
    server = createProtocolServer(ctx);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
    admin = await person(["admin"]);
    scim = scimClient(base, (await createScimToken(db, admin, { name: "Okta" })).token);
  });

  afterAll(async () => {
    holder.__mandateDb = previous;
    await new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r()));
    await db?.$disconnect();
    await fresh?.drop();
  });

  it("refuses a key whose role is beyond its holder's: an admin alone may not hold a reviewer key", async () => {
    const keys = await db.apiKey.count();
    await expect(key(admin, "reviewer")).rejects.toMatchObject({
      name: "DomainError",
      code: "separation_of_duties",
      field: "role",
      message: expect.stringMatching(/Reviewer role/),
    });
    expect(await db.apiKey.count()).toBe(keys);
    // Roles an admin's permissions include are fine; a person who also reviews may hold a reviewer key.
    for (const role of ["admin", "oncall", "auditor"] as const)
      expect((await me((await key(admin, role)).key)).status).toBe(200);
    const lead = await person(["admin", "reviewer"]);
    expect((await me((await key(lead, "reviewer")).key)).body).toMatchObject({ roles: ["reviewer"] });
  });

  it("deactivating the holder in the console revokes their keys in the same transaction, and the API refuses them", async () => {
    const p = await person(["admin"]);
    const [k1, k2] = [await key(p, "admin"), await key(p, "auditor")];
    const others = await key(admin, "admin");
    expect((await me(k1.key)).status).toBe(200);

    const result = await deactivatePerson(
      db,
      { ...consoleDirectoryActor(admin), personId: admin.userId },
      p.userId,
      "Left the company",
    );
    expect(result?.revokedApiKeyIds.sort()).toEqual([k1.id, k2.id].sort());
    for (const k of [k1, k2]) {
      const res = await me(k.key);
      expect(res.status).toBe(401);
      expect(await revokedAt(k.id)).toBeInstanceOf(Date);
    }
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "directory.user_deactivated", targetId: p.userId },
    });
    expect(await revocation(k1.id)).toMatchObject({
      actorId: admin.userId,
      decision: "allow",
      reason: expect.stringContaining(event.id),
    });
    expect((await revocation(k1.id)).detail).toMatchObject({ holderId: p.userId, role: "admin" });
    // Nobody else's keys are touched, and reactivation does not bring them back.
    expect((await me(others.key)).status).toBe(200);
    await reactivatePerson(db, consoleDirectoryActor(admin), p.userId);
    expect((await me(k1.key)).status).toBe(401);
  });

  it("deactivating or deleting the holder over SCIM does the same", async () => {
    const p = await person(["admin"]);
    const q = await person(["auditor"]);
    const [kp, kq] = [await key(p, "oncall"), await key(q, "auditor")];
    expect((await scim.patch(`/Users/${p.userId}`, [{ op: "replace", path: "active", value: false }])).status).toBe(
      200,
    );
    expect((await me(kp.key)).status).toBe(401);
    expect(await revocation(kp.id)).toMatchObject({
      actorLabel: "SCIM client Okta",
      reason: expect.stringMatching(/^Offboarding: .* was deactivated/),
    });
    expect((await scim.del(`/Users/${q.userId}`)).status).toBe(204);
    expect((await me(kq.key)).status).toBe(401);
    expect(await revocation(kq.id)).toMatchObject({ reason: expect.stringMatching(/was deleted/) });
  });

  it("losing a role ends the keys the remaining roles do not cover, and only those", async () => {
    const p = await person(["admin", "auditor"]);
    const [kAdmin, kOncall, kAuditor] = [await key(p, "admin"), await key(p, "oncall"), await key(p, "auditor")];
    await removeConsoleRole(db, admin, p.userId, "admin");
    expect((await me(kAdmin.key)).status).toBe(401);
    // On-call may revoke sessions, which an auditor may not: that key goes too.
    expect((await me(kOncall.key)).status).toBe(401);
    expect((await me(kAuditor.key)).body).toMatchObject({ roles: ["auditor"] });
    const removed = await db.auditEvent.findFirstOrThrow({
      where: { action: "console.role_removed", targetId: p.userId },
    });
    for (const k of [kAdmin, kOncall]) {
      expect(await revocation(k.id)).toMatchObject({
        actorId: admin.userId,
        reason: expect.stringMatching(new RegExp(`lost the admin role \\(event ${removed.id}\\)`)),
      });
    }
    expect(await revokedAt(kAuditor.id)).toBeNull();
    // Given the role back, the ended keys stay ended.
    await grantConsoleRole(db, admin, p.userId, "admin");
    expect((await me(kAdmin.key)).status).toBe(401);
  });

  it("refuses at use a key whose holder was deactivated or lost the role outside the directory, and revokes it then", async () => {
    const p = await person(["admin"]);
    const q = await person(["admin"]);
    const [kp, kq] = [await key(p, "admin"), await key(q, "oncall")];
    await db.user.update({ where: { id: p.userId }, data: { active: false } });
    await db.userRole.delete({ where: { userId_role: { userId: q.userId, role: "admin" } } });
    for (const k of [kp, kq]) {
      expect((await me(k.key)).status).toBe(401);
      expect(await revokedAt(k.id)).toBeInstanceOf(Date);
    }
    expect(await revocation(kp.id)).toMatchObject({
      actorType: "system",
      decision: "deny",
      reason: "Refused at use and revoked: its holder is deactivated",
    });
    expect((await revocation(kq.id)).reason).toBe(
      "Refused at use and revoked: its holder no longer holds the oncall role",
    );
    // Presented again: still refused, revoked once.
    expect((await me(kp.key)).status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: "apikey.revoked", targetId: kp.id } })).toBe(1);
  });

  it("hands a rotated key to whoever rotates it, within their own roles", async () => {
    const lead = await person(["admin", "reviewer"]);
    const other = await person(["admin", "reviewer"]);
    const k = await key(lead, "reviewer");
    await expect(rotateApiKey(db, admin, k.id)).rejects.toMatchObject({ code: "separation_of_duties", field: "role" });
    expect(await revokedAt(k.id)).toBeNull();
    const rotated = await rotateApiKey(db, other, k.id);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: rotated.id } })).createdById).toBe(other.userId);
    // It now ends with its new holder, not the first one.
    await removeConsoleRole(db, admin, other.userId, "reviewer");
    expect((await me(rotated.key)).status).toBe(401);
  });

  it("does not outlive its holder's row, even deleted outside the directory", async () => {
    const p = await person(["admin"]);
    const k = await key(p, "auditor");
    await db.user.delete({ where: { id: p.userId } });
    expect(await db.apiKey.findUnique({ where: { id: k.id } })).toBeNull();
    expect((await me(k.key)).status).toBe(401);
  });

  it("keeps the audit trail one unbroken chain", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
