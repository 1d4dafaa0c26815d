import { createHash } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from "@/lib/auth/api-keys";
import {
  endAllConsoleSessions,
  endConsoleSession,
  resolveConsoleSession,
  startConsoleSession,
} from "@/lib/auth/console-sessions";
import type { ConsoleSessionPolicy } from "@/lib/auth/console-session-policy";
import { authenticateLocal } from "@/lib/auth/local-sign-in";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { ConsoleRole } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";
import { accountBackoffMs, type SignInLimits } from "@/lib/auth/sign-in-limits";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createDb, type Db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { bootstrapAdmin } from "@/lib/people/bootstrap-admin";
import { grantConsoleRole, removeConsoleRole } from "@/lib/people/console-roles";
import { GET as getApiKeys } from "@/app/api/v1/api-keys/route";
import { GET as getMe } from "@/app/api/v1/me/route";
import { freshDatabase, PROVIDERS, type FreshDatabase } from "../support/databases";

// The API routes authenticate bearer keys against getDb(); the console-session path is the unit matrix's job.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

/**
 * Console access on both stores: admin API keys, console roles with their
 * separation-of-duty rules, console sessions and their timeouts, local
 * sign-in with its rate limits, and the CLI's admin bootstrap. Small limits
 * and a controlled clock are passed in as arguments.
 */
describe.each(PROVIDERS)("console access on %s", (provider) => {
  let fresh: FreshDatabase;
  let db: Db;
  let passwordHash: string;
  const PASSWORD = "right-password-123";
  const T0 = new Date("2026-03-02T09:00:00.000Z");
  const at = (ms: number) => new Date(T0.getTime() + ms);
  const MIN = 60_000;
  const DAY = 86_400_000;

  type Person = { id: string; email: string; displayName: string };
  let seq = 0;
  async function person(
    roles: ConsoleRole[],
    opts: { password?: boolean; active?: boolean; email?: string } = {},
  ): Promise<Person> {
    const n = ++seq;
    const email = opts.email ?? `person${n}@console-access.test`;
    return db.user.create({
      data: {
        email,
        displayName: `Person ${n}`,
        source: "local",
        active: opts.active ?? true,
        passwordHash: opts.password === false ? null : passwordHash,
        roles: { create: roles.map((role) => ({ role })) },
      },
      select: { id: true, email: true, displayName: true },
    });
  }
  const asUser = (p: Person, roles: ConsoleRole[]): Principal => ({
    kind: "user",
    userId: p.id,
    email: p.email,
    displayName: p.displayName,
    roles,
    consoleSessionId: "test-session",
  });
  /** Sorted by name: PostgreSQL orders an enum by declaration, SQLite by text. */
  const rolesOf = async (userId: string) =>
    (await db.userRole.findMany({ where: { userId } })).map((r) => r.role).sort();
  const lastEvent = (action: string, targetId?: string) =>
    db.auditEvent.findFirstOrThrow({
      where: { action, ...(targetId ? { targetId } : {}) },
      orderBy: [{ stream: "asc" }, { seq: "desc" }],
    });
  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  };

  let admin: Person;
  let adminActor: Principal;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
    passwordHash = await hashPassword(PASSWORD);
    admin = await person(["admin"]);
    adminActor = asUser(admin, ["admin"]);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });

  describe("admin API keys", () => {
    it("creates a key that authenticates, and records when it was last used", async () => {
      const { id, key } = await createApiKey(
        db,
        adminActor,
        { name: "CI pipeline", role: "auditor", expiresInDays: 30 },
        T0,
      );
      expect(key).toMatch(/^mdt_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
      const principal = await authenticateApiKey(db, key, at(5 * MIN));
      expect(principal).toEqual({
        kind: "apikey",
        apiKeyId: id,
        name: "CI pipeline",
        roles: ["auditor"],
        createdById: admin.id,
      });
      const row = await db.apiKey.findUniqueOrThrow({ where: { id } });
      expect(row.lastUsedAt?.getTime()).toBe(at(5 * MIN).getTime());
      expect(row.expiresAt?.getTime()).toBe(at(30 * DAY).getTime());
      const event = await lastEvent("apikey.created", id);
      expect(event).toMatchObject({ actorType: "user", actorId: admin.id, decision: "allow" });
      expect(event.detail).toMatchObject({ after: { name: "CI pipeline", role: "auditor" } });
    });

    it("stores only the key's hash, never the key", async () => {
      const { id, key } = await createApiKey(
        db,
        adminActor,
        { name: "Hash probe", role: "oncall", expiresInDays: null },
        T0,
      );
      const row = await db.apiKey.findUniqueOrThrow({ where: { id } });
      expect(row.secretHash).toBe(createHash("sha256").update(key).digest("hex"));
      const secretPart = key.split("_").slice(2).join("_");
      expect(JSON.stringify(row)).not.toContain(secretPart);
      const events = await db.auditEvent.findMany({ where: { targetId: id } });
      expect(events.length).toBeGreaterThan(0);
      expect(JSON.stringify(events)).not.toContain(secretPart);
      const listed = (await listApiKeys(db, T0)).find((k) => k.id === id);
      expect(listed).toMatchObject({ status: "active", expiresAt: null, createdBy: admin.email });
      expect(JSON.stringify(listed)).not.toContain(secretPart);
    });

    it("rotates: the old secret stops working at once, the new one works", async () => {
      const old = await createApiKey(db, adminActor, { name: "Rotated", role: "oncall", expiresInDays: 10 }, T0);
      const rotated = await rotateApiKey(db, adminActor, old.id, at(DAY));
      expect(rotated.key).not.toBe(old.key);
      expect(await authenticateApiKey(db, old.key, at(DAY + 1))).toBeNull();
      expect(await authenticateApiKey(db, rotated.key, at(DAY + 1))).toMatchObject({
        apiKeyId: rotated.id,
        roles: ["oncall"],
      });
      const [before, after] = await Promise.all([
        db.apiKey.findUniqueOrThrow({ where: { id: old.id } }),
        db.apiKey.findUniqueOrThrow({ where: { id: rotated.id } }),
      ]);
      expect(before.revokedAt?.getTime()).toBe(at(DAY).getTime());
      expect(after).toMatchObject({ name: "Rotated", role: "oncall", rotatedFromId: old.id, createdById: admin.id });
      expect(after.expiresAt?.getTime()).toBe(before.expiresAt?.getTime());
      expect((await lastEvent("apikey.rotated", rotated.id)).detail).toMatchObject({
        before: { id: old.id },
        after: { id: rotated.id },
      });
      expect((await refusal(rotateApiKey(db, adminActor, old.id, at(DAY + 2)))).code).toBe("conflict");
    });

    it("revokes: the key stops working and the change is audited", async () => {
      const { id, key } = await createApiKey(
        db,
        adminActor,
        { name: "Revoked", role: "auditor", expiresInDays: 30 },
        T0,
      );
      expect(await authenticateApiKey(db, key, at(MIN))).not.toBeNull();
      await revokeApiKey(db, adminActor, id, at(2 * MIN));
      expect(await authenticateApiKey(db, key, at(3 * MIN))).toBeNull();
      expect((await listApiKeys(db, at(3 * MIN))).find((k) => k.id === id)?.status).toBe("revoked");
      const event = await lastEvent("apikey.revoked", id);
      expect(event.detail).toMatchObject({ before: { revokedAt: null } });
      expect((event.detail as { after: { revokedAt: string } }).after.revokedAt).toBeTruthy();
      // Revoking twice changes nothing and writes nothing.
      await revokeApiKey(db, adminActor, id, at(4 * MIN));
      expect(await db.auditEvent.count({ where: { action: "apikey.revoked", targetId: id } })).toBe(1);
    });

    it("refuses an expired key", async () => {
      const { id, key } = await createApiKey(
        db,
        adminActor,
        { name: "Short-lived", role: "auditor", expiresInDays: 1 },
        T0,
      );
      expect(await authenticateApiKey(db, key, at(DAY - 1))).not.toBeNull();
      expect(await authenticateApiKey(db, key, at(DAY))).toBeNull();
      expect((await listApiKeys(db, at(DAY))).find((k) => k.id === id)?.status).toBe("expired");
      expect((await refusal(rotateApiKey(db, adminActor, id, at(DAY + 1)))).code).toBe("conflict");
    });

    it("returns null for malformed or unknown keys", async () => {
      const { key } = await createApiKey(
        db,
        adminActor,
        { name: "Shape probe", role: "auditor", expiresInDays: 1 },
        T0,
      );
      const last = key.at(-1) === "A" ? "B" : "A";
      for (const presented of [
        "",
        "mdt_",
        "Bearer " + key,
        key + "x",
        key.slice(0, -1),
        ` ${key}`,
        key.replace("mdt_", "mdk_"),
        key.slice(0, -1) + last,
      ]) {
        expect(await authenticateApiKey(db, presented, at(MIN)), JSON.stringify(presented)).toBeNull();
      }
    });
  });

  describe("console roles", () => {
    it("grants a role and audits the change with before and after", async () => {
      const bob = await person(["reviewer"]);
      await grantConsoleRole(db, adminActor, bob.id, "oncall");
      expect(await rolesOf(bob.id)).toEqual(["oncall", "reviewer"]);
      const event = await lastEvent("console.role_granted", bob.id);
      expect(event).toMatchObject({
        actorType: "user",
        actorId: admin.id,
        actorLabel: admin.email,
        targetLabel: bob.email,
        decision: "allow",
      });
      expect(event.detail).toEqual({ before: { roles: ["reviewer"] }, after: { roles: ["reviewer", "oncall"] } });
      expect(
        (await db.userRole.findUniqueOrThrow({ where: { userId_role: { userId: bob.id, role: "oncall" } } })).grantedBy,
      ).toBe(admin.id);
    });

    it("refuses a self-grant (separation of duties), also through an API key its creator made", async () => {
      const before = await db.auditEvent.count({ where: { action: "console.role_granted" } });
      expect((await refusal(grantConsoleRole(db, adminActor, admin.id, "auditor"))).code).toBe("separation_of_duties");
      const key: Principal = {
        kind: "apikey",
        apiKeyId: "k",
        name: "admin's key",
        roles: ["admin"],
        createdById: admin.id,
      };
      expect((await refusal(grantConsoleRole(db, key, admin.id, "auditor"))).code).toBe("separation_of_duties");
      expect(await rolesOf(admin.id)).toEqual(["admin"]);
      expect(await db.auditEvent.count({ where: { action: "console.role_granted" } })).toBe(before);
    });

    it("never removes the last admin, but does once another admin exists", async () => {
      expect(await db.userRole.count({ where: { role: "admin" } })).toBe(1);
      expect((await refusal(removeConsoleRole(db, adminActor, admin.id, "admin"))).code).toBe("separation_of_duties");
      // A deactivated admin does not count as another admin.
      const dormant = await person(["admin"], { active: false });
      expect((await refusal(removeConsoleRole(db, adminActor, admin.id, "admin"))).code).toBe("separation_of_duties");
      await db.user.delete({ where: { id: dormant.id } });

      const carol = await person([]);
      await grantConsoleRole(db, adminActor, carol.id, "admin");
      const carolActor = asUser(carol, ["admin"]);
      await removeConsoleRole(db, carolActor, admin.id, "admin");
      expect(await rolesOf(admin.id)).toEqual([]);
      const event = await lastEvent("console.role_removed", admin.id);
      expect(event).toMatchObject({ actorId: carol.id, decision: "allow" });
      expect(event.detail).toEqual({ before: { roles: ["admin"] }, after: { roles: [] } });
      // Carol is now the only admin: she cannot remove herself.
      expect((await refusal(removeConsoleRole(db, carolActor, carol.id, "admin"))).code).toBe("separation_of_duties");
      // Restore the suite's admin (granted by carol, not by themselves).
      await grantConsoleRole(db, carolActor, admin.id, "admin");
    });
  });

  describe("console sessions", () => {
    const policy: ConsoleSessionPolicy = { idleTimeoutMs: 10 * MIN, absoluteLifetimeMs: 60 * MIN };
    const ctx = { clientAddress: "192.0.2.10", userAgent: "vitest", method: "password" as const };

    it("starts a session that resolves to the person with fresh roles, audited", async () => {
      const p = await person(["reviewer", "auditor"]);
      const sid = await startConsoleSession(db, p.id, ctx, policy, T0);
      const check = await resolveConsoleSession(db, sid, policy, at(MIN));
      expect(check).toEqual({
        ok: true,
        principal: {
          kind: "user",
          userId: p.id,
          email: p.email,
          displayName: p.displayName,
          roles: expect.arrayContaining(["reviewer", "auditor"]),
          consoleSessionId: sid,
        },
      });
      expect(await lastEvent("console.sign_in", sid)).toMatchObject({
        actorId: p.id,
        clientAddress: "192.0.2.10",
        decision: "allow",
      });
    });

    it("ends an idle session, audited as a system sign-out", async () => {
      const p = await person(["oncall"]);
      const sid = await startConsoleSession(db, p.id, ctx, policy, T0);
      // Within 30s of sign-in: no lastSeenAt write, so the idle clock still runs from T0.
      expect((await resolveConsoleSession(db, sid, policy, at(20_000))).ok).toBe(true);
      expect(await resolveConsoleSession(db, sid, policy, at(10 * MIN))).toEqual({ ok: false, reason: "idle_timeout" });
      const row = await db.consoleSession.findUniqueOrThrow({ where: { id: sid } });
      expect(row).toMatchObject({ endReason: "Idle timeout" });
      expect(row.endedAt?.getTime()).toBe(at(10 * MIN).getTime());
      expect(await lastEvent("console.sign_out", sid)).toMatchObject({
        actorType: "system",
        onBehalfOfId: p.id,
        reason: "Idle timeout",
      });
      expect(await resolveConsoleSession(db, sid, policy, at(10 * MIN + 1))).toEqual({ ok: false, reason: "ended" });
    });

    it("keeps an active session alive until its absolute lifetime", async () => {
      const p = await person(["oncall"]);
      const sid = await startConsoleSession(db, p.id, ctx, policy, T0);
      for (let m = 9; m < 60; m += 9)
        expect((await resolveConsoleSession(db, sid, policy, at(m * MIN))).ok, `minute ${m}`).toBe(true);
      expect(await resolveConsoleSession(db, sid, policy, at(60 * MIN))).toEqual({ ok: false, reason: "expired" });
      expect(await lastEvent("console.sign_out", sid)).toMatchObject({
        actorType: "system",
        reason: "Session lifetime reached",
      });
    });

    it("signs a person out everywhere at once", async () => {
      const p = await person(["auditor"]);
      const sids = await Promise.all([1, 2, 3].map(() => startConsoleSession(db, p.id, ctx, policy, T0)));
      await endConsoleSession(db, sids[0]!, "Signed out", p.id, at(MIN));
      const other = await person(["auditor"]);
      const untouched = await startConsoleSession(db, other.id, ctx, policy, T0);

      expect(await endAllConsoleSessions(db, p.id, admin.id, "Signed out everywhere by an admin", at(2 * MIN))).toBe(2);
      for (const sid of sids) expect((await resolveConsoleSession(db, sid, policy, at(3 * MIN))).ok).toBe(false);
      expect((await resolveConsoleSession(db, untouched, policy, at(3 * MIN))).ok).toBe(true);
      const event = await lastEvent("console.sign_out", p.id);
      expect(event).toMatchObject({
        actorType: "user",
        actorId: admin.id,
        actorLabel: admin.email,
        targetType: "user",
        onBehalfOfId: p.id,
      });
      expect(event.detail).toEqual({ sessionsEnded: 2, everywhere: true });
      expect((await refusal(endAllConsoleSessions(db, "no-such-person", admin.id))).code).toBe("not_found");
    });

    it("refuses the session of a deactivated person", async () => {
      const p = await person(["reviewer"]);
      const sid = await startConsoleSession(db, p.id, ctx, policy, T0);
      await db.user.update({ where: { id: p.id }, data: { active: false } });
      expect(await resolveConsoleSession(db, sid, policy, at(MIN))).toEqual({ ok: false, reason: "deactivated" });
    });

    it("refuses the session of a person whose last role was removed, on their next request", async () => {
      const p = await person(["reviewer"]);
      const sid = await startConsoleSession(db, p.id, ctx, policy, T0);
      expect((await resolveConsoleSession(db, sid, policy, at(MIN))).ok).toBe(true);
      await removeConsoleRole(db, adminActor, p.id, "reviewer");
      expect(await resolveConsoleSession(db, sid, policy, at(2 * MIN))).toEqual({ ok: false, reason: "no_role" });
    });
  });

  describe("local sign-in", () => {
    const limits: SignInLimits = {
      windowMs: 5 * MIN,
      perAccountAddress: 3,
      perAddress: 5,
      perAccount: 3,
      maxBackoffMs: 2 * MIN,
      knownAddressMs: 30 * DAY,
    };
    const signIn = (email: string, password: string, clientAddress: string | null, now: Date) =>
      authenticateLocal(db, { email, password, clientAddress }, limits, now);

    it("refuses a wrong password, audited as console.sign_in_failed", async () => {
      const p = await person(["reviewer"]);
      expect(await signIn(p.email, "wrong-password", "198.51.100.1", T0)).toEqual({
        ok: false,
        reason: "invalid_credentials",
      });
      const event = await db.auditEvent.findFirstOrThrow({
        where: { action: "console.sign_in_failed", actorLabel: p.email },
      });
      expect(event).toMatchObject({
        decision: "deny",
        reason: "invalid_credentials",
        clientAddress: "198.51.100.1",
        targetId: p.id,
      });
      expect(await signIn(p.email.toUpperCase(), PASSWORD, "198.51.100.1", at(1))).toEqual({ ok: true, userId: p.id });
    });

    it("refuses unknown, deactivated and passwordless accounts alike", async () => {
      const off = await person(["reviewer"], { active: false });
      const sso = await person(["reviewer"], { password: false });
      for (const email of ["nobody@console-access.test", off.email, sso.email]) {
        expect(await signIn(email, PASSWORD, "198.51.100.2", T0)).toEqual({ ok: false, reason: "invalid_credentials" });
      }
    });

    it("refuses an address after N failures on one account, even with the right password, until the window passes", async () => {
      const p = await person(["reviewer"]);
      const attacker = "203.0.113.7";
      for (let i = 1; i <= limits.perAccountAddress; i++) {
        expect(await signIn(p.email, "wrong-password", attacker, at(i * 1000))).toMatchObject({
          ok: false,
          reason: "invalid_credentials",
        });
      }
      const limited = await signIn(p.email, PASSWORD, attacker, at(MIN));
      expect(limited).toMatchObject({ ok: false, reason: "rate_limited" });
      // The first failure (at second 1) leaves the 5-minute window at 5:01.
      expect((limited as { retryAfterSeconds: number }).retryAfterSeconds).toBe(4 * 60 + 1);
      expect(
        await db.auditEvent.count({
          where: { action: "console.sign_in_failed", actorLabel: p.email, reason: "rate_limited" },
        }),
      ).toBe(1);
      expect(await signIn(p.email, PASSWORD, attacker, at(5 * MIN + 1001))).toEqual({ ok: true, userId: p.id });
    });

    it("does not lock the owner out: failures elsewhere only slow their account down, exponentially", async () => {
      const p = await person(["reviewer"]);
      // Guesses from many addresses; each waits out the back-off the previous failures set.
      let t = 0;
      const guesses = limits.perAccount + 3;
      for (let i = 0; i < guesses; i++) {
        const wait = accountBackoffMs(i, limits);
        if (wait > 0)
          expect(await signIn(p.email, "wrong-password", `198.18.0.${i}`, at(t + wait - 1))).toMatchObject({
            ok: false,
            reason: "rate_limited",
          });
        t += wait;
        expect(await signIn(p.email, "wrong-password", `198.18.0.${i}`, at(t))).toMatchObject({
          ok: false,
          reason: "invalid_credentials",
        });
      }
      // 1 s, 2 s, 4 s … after the free failures.
      expect(accountBackoffMs(guesses, limits)).toBe(8000);
      const early = await signIn(p.email, PASSWORD, "198.51.100.77", at(t + 1000));
      expect(early).toEqual({ ok: false, reason: "rate_limited", retryAfterSeconds: 7 });
      // The owner waits seconds, not the window: the back-off passes and the right password works.
      expect(await signIn(p.email, PASSWORD, "198.51.100.77", at(t + 8000))).toEqual({ ok: true, userId: p.id });
      // The back-off never grows past its maximum.
      expect(accountBackoffMs(100, limits)).toBe(limits.maxBackoffMs);
    });

    it("lets the owner in at once from a known device (an address they signed in from) while strangers guess", async () => {
      const p = await person(["reviewer"]);
      const home = "192.0.2.10";
      await startConsoleSession(
        db,
        p.id,
        { clientAddress: home, userAgent: "test", method: "password" },
        { idleTimeoutMs: 10 * MIN, absoluteLifetimeMs: 60 * MIN },
        T0,
      );
      for (let i = 0; i < limits.perAccount + 4; i++) {
        await signIn(p.email, "wrong-password", `198.18.1.${i}`, at(MIN + i * 10));
      }
      const t = MIN + 100;
      expect(await signIn(p.email, PASSWORD, "198.51.100.78", at(t))).toMatchObject({
        ok: false,
        reason: "rate_limited",
      });
      expect(await signIn(p.email, PASSWORD, home, at(t))).toEqual({ ok: true, userId: p.id });
    });

    it("checks no more passwords than the limit when guesses arrive at once (per account and address)", async () => {
      const p = await person(["reviewer"]);
      const address = "203.0.113.50";
      await Promise.all(Array.from({ length: 12 }, () => signIn(p.email, "wrong-password", address, T0)));
      expect(await signIn(p.email, PASSWORD, address, at(1000))).toMatchObject({ ok: false, reason: "rate_limited" });
      const reasons = await db.auditEvent.groupBy({
        by: ["reason"],
        where: { action: "console.sign_in_failed", actorLabel: p.email },
        _count: true,
      });
      expect(Object.fromEntries(reasons.map((r) => [r.reason, r._count]))).toEqual({
        invalid_credentials: limits.perAccountAddress,
        rate_limited: 13 - limits.perAccountAddress,
      });
    });

    it("checks no more passwords than the limit when guesses arrive at once (per account, from many addresses)", async () => {
      const p = await person(["reviewer"]);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => signIn(p.email, "wrong-password", `203.0.114.${i}`, T0)),
      );
      expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(12 - limits.perAccount);
      expect(
        await db.auditEvent.count({
          where: { action: "console.sign_in_failed", actorLabel: p.email, reason: "invalid_credentials" },
        }),
      ).toBe(limits.perAccount);
    });

    it("checks no more passwords than the limit when guesses arrive at once (per address, over many accounts)", async () => {
      const address = "203.0.113.60";
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => signIn(`spray${i}@console-access.test`, "guess", address, T0)),
      );
      expect(results.filter((r) => !r.ok && r.reason === "invalid_credentials")).toHaveLength(limits.perAddress);
      expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(12 - limits.perAddress);
    });

    it("rate-limits an address after N failures, for every account, until the window passes", async () => {
      const address = "203.0.113.200";
      for (let i = 1; i <= limits.perAddress; i++) {
        expect((await signIn(`guess${i}@console-access.test`, "guess", address, T0)).ok).toBe(false);
      }
      const p = await person(["reviewer"]);
      expect(await signIn(p.email, PASSWORD, address, at(MIN))).toMatchObject({ ok: false, reason: "rate_limited" });
      expect(await signIn(p.email, PASSWORD, "203.0.113.201", at(MIN))).toEqual({ ok: true, userId: p.id });
      expect(await signIn(p.email, PASSWORD, address, at(6 * MIN + 1))).toEqual({ ok: true, userId: p.id });
    });

    it("refuses a person without a console role after checking the password", async () => {
      const p = await person([]);
      expect(await signIn(p.email, PASSWORD, "198.51.100.3", T0)).toEqual({ ok: false, reason: "no_console_access" });
      expect(
        await db.auditEvent.count({
          where: { action: "console.sign_in_failed", actorLabel: p.email, reason: "no_console_access" },
        }),
      ).toBe(1);
    });
  });

  describe("admin bootstrap (create-admin)", () => {
    it("creates a local admin with a password, audited as the system", async () => {
      const result = await bootstrapAdmin(
        db,
        { email: "  Root@Console-Access.test ", name: "Root Admin", password: "a-long-enough-pass" },
        T0,
      );
      expect(result).toMatchObject({ created: true, granted: true });
      const user = await db.user.findUniqueOrThrow({
        where: { email: "root@console-access.test" },
        include: { roles: true },
      });
      expect(user).toMatchObject({ displayName: "Root Admin", source: "local", active: true });
      expect(user.roles.map((r) => r.role)).toEqual(["admin"]);
      expect(await verifyPassword("a-long-enough-pass", user.passwordHash!)).toBe(true);
      const event = await lastEvent("console.admin_bootstrapped", user.id);
      expect(event).toMatchObject({
        actorType: "system",
        actorId: null,
        decision: "allow",
        targetLabel: "root@console-access.test",
      });
      expect(event.detail).toEqual({
        created: true,
        passwordSet: true,
        before: null,
        after: { roles: ["admin"], hadPassword: true },
      });
      expect(JSON.stringify(event)).not.toContain("a-long-enough-pass");
      expect(
        await authenticateLocal(
          db,
          { email: "root@console-access.test", password: "a-long-enough-pass", clientAddress: null },
          undefined,
          at(MIN),
        ),
      ).toEqual({ ok: true, userId: user.id });
    });

    it("finds an existing person, keeps their name and roles, adds admin and sets the password", async () => {
      const p = await person(["reviewer"], { password: false });
      const result = await bootstrapAdmin(
        db,
        { email: p.email, name: "Ignored Name", password: "another-long-pass" },
        T0,
      );
      expect(result).toEqual({ userId: p.id, created: false, granted: true });
      expect(await rolesOf(p.id)).toEqual(["admin", "reviewer"]);
      expect((await db.user.findUniqueOrThrow({ where: { id: p.id } })).displayName).toBe(p.displayName);
      expect((await lastEvent("console.admin_bootstrapped", p.id)).detail).toMatchObject({
        before: { roles: ["reviewer"], hadPassword: false },
        after: { roles: ["reviewer", "admin"] },
      });
      // Again: already an admin, only the password changes.
      expect(await bootstrapAdmin(db, { email: p.email, name: "x", password: "a-third-long-pass" }, at(MIN))).toEqual({
        userId: p.id,
        created: false,
        granted: false,
      });
      expect(await db.userRole.count({ where: { userId: p.id, role: "admin" } })).toBe(1);
    });

    it("refuses a short password and a deactivated person, writing nothing", async () => {
      const users = await db.user.count();
      const events = await db.auditEvent.count();
      const short = await refusal(
        bootstrapAdmin(db, { email: "short@console-access.test", name: "Short", password: "elevenchars" }),
      );
      expect(short).toMatchObject({ code: "invalid", field: "password" });
      const off = await person([], { active: false });
      expect(
        (await refusal(bootstrapAdmin(db, { email: off.email, name: "Off", password: "a-long-enough-pass" }))).code,
      ).toBe("conflict");
      expect(await db.user.count()).toBe(users + 1);
      expect(await db.auditEvent.count()).toBe(events);
      expect(await rolesOf(off.id)).toEqual([]);
    });
  });

  describe("JSON API with a bearer API key", () => {
    const holder = globalThis as unknown as { __mandateDb?: Db };
    let previous: Db | undefined;
    beforeAll(() => {
      previous = holder.__mandateDb;
      holder.__mandateDb = db;
    });
    afterAll(() => {
      holder.__mandateDb = previous;
    });
    const call = (handler: typeof getMe, path: string, key?: string) =>
      handler(
        new NextRequest(`http://mandate.test${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
        { params: Promise.resolve({}) },
      );

    it("tells a key who it is, with its role's permissions", async () => {
      // A reviewer key needs a holder who reviews: an admin alone may not decide reviews.
      const lead = await person(["admin", "reviewer"]);
      const { id, key } = await createApiKey(
        db,
        asUser(lead, ["admin", "reviewer"]),
        { name: "Reviewer bot", role: "reviewer", expiresInDays: 1 },
        new Date(),
      );
      const res = await call(getMe, "/api/v1/me", key);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { kind: string; id: string; roles: string[]; permissions: string[] };
      expect(body).toMatchObject({ kind: "apikey", id, name: "Reviewer bot", roles: ["reviewer"] });
      expect(body.permissions).toContain("reviews.decide");
      expect(body.permissions).not.toContain("api_keys.manage");
      // The key's role decides: a reviewer key may not list keys.
      expect((await call(getApiKeys, "/api/v1/api-keys", key)).status).toBe(403);
    });

    it("lists keys for an admin key, without secrets", async () => {
      const { key } = await createApiKey(
        db,
        adminActor,
        { name: "Admin bot", role: "admin", expiresInDays: 1 },
        new Date(),
      );
      const res = await call(getApiKeys, "/api/v1/api-keys", key);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(JSON.parse(text).data.length).toBeGreaterThan(1);
      expect(text).not.toContain("secretHash");
      expect(text).not.toContain(key.split("_").slice(2).join("_"));
    });

    it("answers 401 with a bearer challenge for a revoked, malformed or missing key", async () => {
      const { id, key } = await createApiKey(
        db,
        adminActor,
        { name: "Soon revoked", role: "admin", expiresInDays: 1 },
        new Date(),
      );
      await revokeApiKey(db, adminActor, id);
      for (const presented of [key, "not-a-key"]) {
        const res = await call(getMe, "/api/v1/me", presented);
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      }
      const anonymous = await call(getMe, "/api/v1/me");
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
    });
  });

  it("keeps the audit trail one unbroken chain through all of it", async () => {
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
  });
});
