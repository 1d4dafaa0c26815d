import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";

/** Tokens look like `mdtscim_<8-char prefix>_<43-char secret>`; only the sha256 is stored. */
const TOKEN_PATTERN = /^mdtscim_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export const createScimTokenSchema = z.object({
  name: z.string().trim().min(3, "At least 3 characters").max(80),
  /** The enterprise IdP this client provisions for: the people it sends are matched by (that issuer, externalId). */
  trustedIdpId: z.string().trim().min(1).max(64).nullish(),
});

export interface ScimTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ScimClient {
  id: string;
  name: string;
  /** The issuer of the enterprise IdP the client provisions for; null when it names none. */
  idpIssuer: string | null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

function generateToken(): { token: string; prefix: string } {
  const prefix = randomBytes(6).toString("base64url");
  return { token: `mdtscim_${prefix}_${randomBytes(32).toString("base64url")}`, prefix };
}

/** Issues a SCIM bearer credential; the returned token is shown once and never stored. */
export async function createScimToken(
  db: Db,
  actor: Principal,
  input: z.input<typeof createScimTokenSchema>,
  now = new Date(),
): Promise<{ id: string; token: string }> {
  const { name, trustedIdpId } = createScimTokenSchema.parse(input);
  const { token, prefix } = generateToken();
  const id = await db.$transaction(async (tx) => {
    const idp = trustedIdpId
      ? await tx.trustedIdp.findUnique({ where: { id: trustedIdpId }, select: { id: true, issuer: true } })
      : null;
    if (trustedIdpId && !idp) throw new DomainError("invalid", "No such identity provider", "trustedIdpId");
    const row = await tx.scimToken.create({
      data: {
        name,
        prefix,
        secretHash: hashToken(token),
        createdById: personOf(actor),
        createdAt: now,
        trustedIdpId: idp?.id ?? null,
      },
    });
    await recordAudit(tx, {
      action: "directory.scim_token_created",
      ...actorOf(actor),
      targetType: "scim_token",
      targetId: row.id,
      targetLabel: name,
      decision: "allow",
      reason: "SCIM provisioning credential issued",
      occurredAt: now,
      detail: { after: { name, prefix, idpIssuer: idp?.issuer ?? null } },
    });
    return row.id;
  });
  return { id, token };
}

/** Replaces a token with a new secret under the same name; the old one stops working at once. */
export async function rotateScimToken(
  db: Db,
  actor: Principal,
  id: string,
  now = new Date(),
): Promise<{ id: string; token: string }> {
  const { token, prefix } = generateToken();
  return db.$transaction(async (tx) => {
    const old = await tx.scimToken.findUnique({ where: { id } });
    if (!old) throw new DomainError("not_found", "No such SCIM token");
    if (old.revokedAt) throw new DomainError("conflict", "This token is revoked; issue a new one instead");
    await tx.scimToken.update({ where: { id }, data: { revokedAt: now } });
    const row = await tx.scimToken.create({
      data: {
        name: old.name,
        prefix,
        secretHash: hashToken(token),
        createdById: personOf(actor),
        createdAt: now,
        rotatedFromId: old.id,
        trustedIdpId: old.trustedIdpId,
      },
    });
    await recordAudit(tx, {
      action: "directory.scim_token_rotated",
      ...actorOf(actor),
      targetType: "scim_token",
      targetId: row.id,
      targetLabel: old.name,
      decision: "allow",
      reason: "Secret rotated; the previous secret is revoked",
      occurredAt: now,
      detail: { before: { id: old.id, prefix: old.prefix }, after: { id: row.id, prefix } },
    });
    return { id: row.id, token };
  });
}

export async function revokeScimToken(db: Db, actor: Principal, id: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const old = await tx.scimToken.findUnique({ where: { id } });
    if (!old) throw new DomainError("not_found", "No such SCIM token");
    if (old.revokedAt) return;
    await tx.scimToken.update({ where: { id }, data: { revokedAt: now } });
    await recordAudit(tx, {
      action: "directory.scim_token_revoked",
      ...actorOf(actor),
      targetType: "scim_token",
      targetId: id,
      targetLabel: old.name,
      decision: "allow",
      reason: "Revoked",
      occurredAt: now,
      detail: { before: { revokedAt: null }, after: { revokedAt: now } },
    });
  });
}

export async function listScimTokens(db: Db): Promise<ScimTokenView[]> {
  return db.scimToken.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** lastUsedAt is written at most once a minute per token (it is read by the sync status). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The SCIM client behind a bearer token; null when unknown, malformed or revoked. */
export async function authenticateScimToken(db: Db, presented: string, now = new Date()): Promise<ScimClient | null> {
  if (!TOKEN_PATTERN.test(presented)) return null;
  const row = await db.scimToken.findUnique({
    where: { secretHash: hashToken(presented) },
    include: { trustedIdp: { select: { issuer: true } } },
  });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.scimToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, name: row.name, idpIssuer: row.trustedIdp?.issuer ?? null };
}
