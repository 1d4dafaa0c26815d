import { createHash, randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { Role } from "./accounts";

/**
 * Direct access to the e2e server's embedded database (scripts/e2e-server.sh):
 * lets a spec set up an account of its own, move a session's clock and read
 * the audit trail. Timestamps are stored as integer milliseconds.
 */
export const E2E_DB_PATH = ".cache/e2e/mandate.db";

let db: Database.Database | undefined;
function open(): Database.Database {
  if (!db) {
    db = new Database(E2E_DB_PATH, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
  }
  return db;
}

export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  source: string;
  active: number;
  idpIssuer: string | null;
  idpSubject: string | null;
}

export function findUser(email: string): AccountRow | undefined {
  return open()
    .prepare("SELECT id, email, displayName, source, active, idpIssuer, idpSubject FROM User WHERE email = ?")
    .get(email.toLowerCase()) as AccountRow | undefined;
}

export function rolesOf(userId: string): string[] {
  return (
    open().prepare("SELECT role FROM UserRole WHERE userId = ? ORDER BY role").all(userId) as { role: string }[]
  ).map((r) => r.role);
}

/**
 * A local console account of this spec's own, so that locking it out or
 * signing it out everywhere leaves the shared demo accounts alone. Its password
 * is the demo password (the admin's scrypt hash carries its own salt).
 */
export function createLocalAccount(label: string, role: Role): { id: string; email: string } {
  const d = open();
  const { passwordHash } = d.prepare("SELECT passwordHash FROM User WHERE email = 'admin@acme.example'").get() as {
    passwordHash: string;
  };
  const id = `e2e-${randomUUID()}`;
  const email = `e2e-${label}-${randomUUID().slice(0, 8)}@acme.example`;
  const now = Date.now();
  d.transaction(() => {
    d.prepare(
      "INSERT INTO User (id, email, displayName, active, source, passwordHash, createdAt, updatedAt) VALUES (?, ?, ?, 1, 'local', ?, ?, ?)",
    ).run(id, email, `E2E ${label}`, passwordHash, now, now);
    d.prepare("INSERT INTO UserRole (userId, role, createdAt) VALUES (?, ?, ?)").run(id, role, now);
  })();
  return { id, email };
}

export interface ConsoleSessionRow {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  endedAt: number | null;
  endReason: string | null;
}

export function sessionsOf(userId: string): ConsoleSessionRow[] {
  return open()
    .prepare(
      "SELECT id, userId, createdAt, lastSeenAt, expiresAt, endedAt, endReason FROM ConsoleSession WHERE userId = ? ORDER BY createdAt",
    )
    .all(userId) as ConsoleSessionRow[];
}

export function sessionById(id: string): ConsoleSessionRow | undefined {
  return open()
    .prepare("SELECT id, userId, createdAt, lastSeenAt, expiresAt, endedAt, endReason FROM ConsoleSession WHERE id = ?")
    .get(id) as ConsoleSessionRow | undefined;
}

/** Moves a session's clock: the app compares these against its own now. */
export function updateSession(id: string, set: Partial<Pick<ConsoleSessionRow, "lastSeenAt" | "expiresAt">>): void {
  const d = open();
  if (set.lastSeenAt !== undefined)
    d.prepare("UPDATE ConsoleSession SET lastSeenAt = ? WHERE id = ?").run(set.lastSeenAt, id);
  if (set.expiresAt !== undefined)
    d.prepare("UPDATE ConsoleSession SET expiresAt = ? WHERE id = ?").run(set.expiresAt, id);
}

export interface AuditRow {
  action: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  onBehalfOfId: string | null;
  targetType: string | null;
  targetId: string | null;
  decision: string;
  reason: string | null;
  clientAddress: string | null;
  occurredAt: number;
}

/** Audit events with this action since a moment, oldest first. */
export function auditEvents(action: string, since: number): AuditRow[] {
  return open()
    .prepare(
      `SELECT action, actorType, actorId, actorLabel, onBehalfOfId, targetType, targetId, decision, reason, clientAddress, occurredAt
       FROM AuditEvent WHERE action = ? AND occurredAt >= ? ORDER BY occurredAt, id`,
    )
    .all(action, since) as AuditRow[];
}

export interface AssignmentRow {
  id: string;
  endedAt: number | null;
  endedReason: string | null;
  excludedToolIds: string | null;
}

/** The live-or-ended state of an agent's assignment of an entitlement (by names). */
export function agentAssignment(agentName: string, entitlementName: string): AssignmentRow | undefined {
  return open()
    .prepare(
      `SELECT a.id, a.endedAt, a.endedReason, a.excludedToolIds FROM Assignment a
       JOIN Agent ag ON ag.id = a.agentId JOIN Entitlement e ON e.id = a.entitlementId
       WHERE ag.name = ? AND e.name = ? ORDER BY a.createdAt DESC LIMIT 1`,
    )
    .get(agentName, entitlementName) as AssignmentRow | undefined;
}

/** A SCIM provisioning token issued directly (the console flow that issues one is e2e/directory.spec.ts's). */
export function createScimToken(name: string): string {
  const prefix = randomBytes(6).toString("base64url");
  const token = `mdtscim_${prefix}_${randomBytes(32).toString("base64url")}`;
  open()
    .prepare("INSERT INTO ScimToken (id, name, prefix, secretHash, createdAt) VALUES (?, ?, ?, ?, ?)")
    .run(`e2e-${randomUUID()}`, name, prefix, createHash("sha256").update(token).digest("hex"), Date.now());
  return token;
}

/** An autonomous agent registered as if by the CLI (nobody holds its credential), owned by `ownerId`. */
export function createAgent(name: string, ownerId: string): string {
  const id = `e2e-${randomUUID()}`;
  const now = Date.now();
  open()
    .prepare(
      "INSERT INTO Agent (id, clientId, name, purpose, kind, status, ownerId, authMethod, allowedGrantTypes, maxTokenLifetimeSeconds, createdAt, updatedAt) VALUES (?, ?, ?, 'Separation of duties e2e', 'autonomous', 'active', ?, 'client_secret_basic', 'client_credentials', 300, ?, ?)",
    )
    .run(id, name, name, ownerId, now, now);
  return id;
}

export function agentOwner(agentId: string): string | null {
  return (
    (open().prepare("SELECT ownerId FROM Agent WHERE id = ?").get(agentId) as { ownerId: string | null } | undefined)
      ?.ownerId ?? null
  );
}

export function apiKeyRevokedAt(name: string): number | null {
  return (
    (
      open().prepare("SELECT revokedAt FROM ApiKey WHERE name = ?").get(name) as
        | { revokedAt: number | null }
        | undefined
    )?.revokedAt ?? null
  );
}

/** A review campaign's scope filters, by its (unique in a spec) name. */
export function campaignScope(name: string): Record<string, unknown> | undefined {
  const row = open().prepare("SELECT scope FROM ReviewCampaign WHERE name = ?").get(name) as
    | { scope: string }
    | undefined;
  return row ? (JSON.parse(row.scope) as Record<string, unknown>) : undefined;
}

/** Agents and MCP servers by name, for asserting what a picker submitted. */
export function agentIdOf(name: string): string | undefined {
  return (open().prepare("SELECT id FROM Agent WHERE name = ?").get(name) as { id: string } | undefined)?.id;
}
export function serverIdOf(name: string): string | undefined {
  return (open().prepare("SELECT id FROM McpServer WHERE name = ?").get(name) as { id: string } | undefined)?.id;
}

/** How many agents there are (every status): what the Agents list's total must say. */
export function agentCount(): number {
  return (open().prepare("SELECT COUNT(*) AS n FROM Agent").get() as { n: number }).n;
}
