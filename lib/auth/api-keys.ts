import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { refuseKeyBeyondHolder } from "@/lib/access/separation-of-duties";
import { DomainError } from "@/lib/errors/domain-error";
import { holderRefusal } from "./api-key-holder";
import { CONSOLE_ROLES, type ConsoleRole } from "./permissions";
import { actorOf, personOf, type Principal } from "./principal";

/** Keys look like `mdt_<8-char prefix>_<43-char secret>`; only the sha256 is stored. */
const KEY_PATTERN = /^mdt_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(3, "At least 3 characters").max(80),
  role: z.enum(CONSOLE_ROLES),
  expiresInDays: z.coerce.number().int().min(1, "At least one day").max(365, "At most a year").nullable(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export interface ApiKeyView {
  id: string;
  name: string;
  role: ConsoleRole;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: "active" | "expired" | "revoked";
}

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

function generateKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString("base64url");
  return { key: `mdt_${prefix}_${randomBytes(32).toString("base64url")}`, prefix };
}

/**
 * Creates a key; the returned secret is shown once and never stored. The person creating it holds it: its role
 * must be within theirs (an API key is never a way to a role one was not given), and it ends with them.
 */
export async function createApiKey(
  db: Db,
  actor: Principal,
  input: CreateApiKeyInput,
  now = new Date(),
): Promise<{ id: string; key: string }> {
  const { key, prefix } = generateKey();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const id = await db.$transaction(async (tx) => {
    await refuseKeyBeyondHolder(tx, personOf(actor), input.role);
    const row = await tx.apiKey.create({
      data: {
        name: input.name,
        role: input.role,
        prefix,
        secretHash: hashKey(key),
        createdById: personOf(actor),
        createdAt: now,
        expiresAt,
      },
    });
    await recordAudit(tx, {
      action: "apikey.created",
      ...actorOf(actor),
      targetType: "api_key",
      targetId: row.id,
      targetLabel: input.name,
      decision: "allow",
      reason: `API key with role ${input.role}`,
      detail: { after: { name: input.name, role: input.role, prefix, expiresAt } },
    });
    return row.id;
  });
  return { id, key };
}

/**
 * Replaces a key with a new secret (same name, role and remaining lifetime); the old one stops working at once.
 * The new secret is shown to whoever rotates, so they hold the new key — within their own roles, as at creation.
 */
export async function rotateApiKey(
  db: Db,
  actor: Principal,
  id: string,
  now = new Date(),
): Promise<{ id: string; key: string }> {
  const { key, prefix } = generateKey();
  return db.$transaction(async (tx) => {
    const old = await tx.apiKey.findUnique({ where: { id } });
    if (!old) throw new DomainError("not_found", "No such API key");
    if (old.revokedAt) throw new DomainError("conflict", "This key is revoked; create a new one instead");
    if (old.expiresAt && old.expiresAt <= now)
      throw new DomainError("conflict", "This key has expired; create a new one instead");
    const holder = personOf(actor);
    await refuseKeyBeyondHolder(tx, holder, old.role as ConsoleRole);
    await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
    const row = await tx.apiKey.create({
      data: {
        name: old.name,
        role: old.role,
        prefix,
        secretHash: hashKey(key),
        createdById: holder,
        createdAt: now,
        expiresAt: old.expiresAt,
        rotatedFromId: old.id,
      },
    });
    await recordAudit(tx, {
      action: "apikey.rotated",
      ...actorOf(actor),
      targetType: "api_key",
      targetId: row.id,
      targetLabel: old.name,
      decision: "allow",
      reason: "Secret rotated; the previous secret is revoked",
      detail: {
        before: { id: old.id, prefix: old.prefix, holderId: old.createdById },
        after: { id: row.id, prefix, holderId: holder },
      },
    });
    return { id: row.id, key };
  });
}

async function revokeRefusedKey(
  db: Db,
  key: { id: string; name: string; role: string; createdById: string | null },
  refusal: string,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    // Once, whatever the number of concurrent requests presenting it.
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) return;
    await recordAudit(tx, {
      action: "apikey.revoked",
      actorType: "system",
      actorId: null,
      actorLabel: "API key authentication",
      targetType: "api_key",
      targetId: key.id,
      targetLabel: key.name,
      decision: "deny",
      occurredAt: now,
      reason: `Refused at use and revoked: ${refusal}`,
      detail: { holderId: key.createdById, role: key.role, before: { revokedAt: null }, after: { revokedAt: now } },
    });
  });
}

export async function revokeApiKey(db: Db, actor: Principal, id: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const old = await tx.apiKey.findUnique({ where: { id } });
    if (!old) throw new DomainError("not_found", "No such API key");
    if (old.revokedAt) return;
    await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
    await recordAudit(tx, {
      action: "apikey.revoked",
      ...actorOf(actor),
      targetType: "api_key",
      targetId: id,
      targetLabel: old.name,
      decision: "allow",
      reason: "Revoked",
      detail: { before: { revokedAt: null }, after: { revokedAt: now } },
    });
  });
}

export async function listApiKeys(db: Db, now = new Date()): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({
    orderBy: { createdAt: "desc" },
    include: { createdBy: { select: { email: true } } },
    take: 500,
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as ConsoleRole,
    prefix: r.prefix,
    createdAt: r.createdAt,
    createdBy: r.createdBy?.email ?? null,
    expiresAt: r.expiresAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
    status: r.revokedAt ? "revoked" : r.expiresAt && r.expiresAt <= now ? "expired" : "active",
  }));
}

/** lastUsedAt is written at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Authenticates a bearer API key; null when unknown, malformed, expired or revoked — or when its holder is no
 * longer active or no longer holds its role. The directory and role changes revoke such keys at once
 * (lib/auth/api-key-holder.ts); this check catches a row changed outside them, and revokes the key then.
 */
export async function authenticateApiKey(
  db: Db,
  presented: string,
  now = new Date(),
): Promise<Extract<Principal, { kind: "apikey" }> | null> {
  if (!KEY_PATTERN.test(presented)) return null;
  const row = await db.apiKey.findUnique({
    where: { secretHash: hashKey(presented) },
    include: { createdBy: { select: { active: true, deletedAt: true, roles: { select: { role: true } } } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // A key without a holder was made by the repo CLI (no person behind it): it ends by expiry or revocation.
  const refusal = row.createdById === null ? null : holderRefusal(row.role as ConsoleRole, row.createdBy);
  if (refusal) {
    await revokeRefusedKey(db, row, refusal, now);
    return null;
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    kind: "apikey",
    apiKeyId: row.id,
    name: row.name,
    roles: [row.role as ConsoleRole],
    createdById: row.createdById,
  };
}
