import type { Db, Tx } from "@/lib/db/client";
import { textFiltersNeedInsensitiveMode } from "@/lib/db/stores/text-search";
import type { Prisma, User } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { announceRevocations } from "../announce-revocations";
import { deletePersonIn } from "../delete-person";
import { auditActor, type DirectoryActor } from "../directory-actor";
import type { OffboardingResult } from "../offboard-person";
import { personSnapshot } from "../person-snapshot";
import { setPersonActiveIn } from "../set-person-active";
import { parsePatchOperations } from "./patch-operations";
import { invalidValue, notFound, uniqueness } from "./scim-error";
import { parseScimFilter, userFilterWhere } from "./scim-filter";
import { listResponse, type Page } from "./scim-list";
import { applyUserPatch } from "./user-patch";
import {
  attributesOf,
  displayNameOf,
  parseUserResource,
  toScimUser,
  userSelect,
  type UserAttributes,
  type UserRow,
} from "./user-resource";

const visible = { deletedAt: null } satisfies Prisma.UserWhereInput;

async function findVisible(db: Db | Tx, id: string): Promise<UserRow> {
  const row = await db.user.findFirst({ where: { id, ...visible }, select: userSelect });
  if (!row) throw notFound(`User ${id} not found`);
  return row;
}

/** The manager as Mandate's id: clients name them by id (SCIM) or, failing that, by their externalId. */
async function resolveManager(tx: Tx, ref: string | null, selfId: string | null): Promise<string | null> {
  if (!ref) return null;
  const byId = await tx.user.findFirst({ where: { id: ref, ...visible }, select: { id: true } });
  const found = byId ?? (await tx.user.findFirst({ where: { externalId: ref, ...visible }, select: { id: true } }));
  if (!found) throw invalidValue(`manager ${ref} is not a known user`);
  if (found.id === selfId) throw invalidValue("a person cannot be their own manager");
  return found.id;
}

async function requireFreeUserName(tx: Tx, userName: string, selfId: string | null): Promise<void> {
  const holder = await tx.user.findUnique({ where: { email: userName }, select: { id: true, deletedAt: true } });
  if (holder && holder.id !== selfId) {
    throw uniqueness(
      holder.deletedAt
        ? `userName ${userName} belonged to a deleted user; its history is kept`
        : `userName ${userName} is already in use`,
    );
  }
}

function columnsOf(a: UserAttributes, managerId: string | null, actor: DirectoryActor) {
  return {
    email: a.userName,
    displayName: displayNameOf(a),
    givenName: a.givenName,
    familyName: a.familyName,
    title: a.title,
    department: a.department,
    externalId: a.externalId,
    managerId,
    // A client provisioning for an enterprise IdP sends the person's subject there as externalId: ID tokens from that
    // IdP then match them by (issuer, subject) before they ever sign in to the console.
    ...(actor.idpIssuer && a.externalId ? { idpIssuer: actor.idpIssuer, idpSubject: a.externalId } : {}),
  };
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";

/** Runs a directory write; a unique index hit by a concurrent request is a SCIM 409 as well. */
async function write<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    // An initial load sends many writes at once; on SQLite they queue for the one writer.
    return await db.$transaction(fn, { maxWait: 20_000, timeout: 30_000 });
  } catch (e) {
    if (isUniqueViolation(e)) throw uniqueness("userName or externalId is already in use");
    throw e;
  }
}

export async function createUser(
  db: Db,
  actor: DirectoryActor,
  body: unknown,
  base: string,
  now = new Date(),
): Promise<Record<string, unknown>> {
  const attrs = parseUserResource(body);
  const row = await write(db, async (tx) => {
    await requireFreeUserName(tx, attrs.userName, null);
    const managerId = await resolveManager(tx, attrs.manager, null);
    const created = await tx.user.create({
      data: {
        ...columnsOf(attrs, managerId, actor),
        active: attrs.active,
        deactivatedAt: attrs.active ? null : now,
        source: "scim",
        createdAt: now,
        updatedAt: now,
      },
    });
    await recordAudit(tx, {
      action: "directory.user_provisioned",
      ...auditActor(actor),
      targetType: "user",
      targetId: created.id,
      targetLabel: created.email,
      decision: "allow",
      reason: "Provisioned via SCIM",
      occurredAt: now,
      detail: { via: actor.via, after: personSnapshot(created) },
    });
    return findVisible(tx, created.id);
  });
  return toScimUser(row, base);
}

export async function getUser(db: Db, id: string, base: string): Promise<Record<string, unknown>> {
  return toScimUser(await findVisible(db, id), base);
}

/** Saves new attributes of an existing person; an `active` change runs the directory event (and cascade) too. */
async function saveUser(
  db: Db,
  actor: DirectoryActor,
  id: string,
  next: (current: UserAttributes) => UserAttributes,
  base: string,
  now: Date,
) {
  let offboarding: OffboardingResult | null = null;
  const row = await write(db, async (tx) => {
    const current = await findVisible(tx, id);
    const attrs = next(attributesOf(current));
    if (attrs.userName !== current.email) await requireFreeUserName(tx, attrs.userName, id);
    const managerId =
      attrs.manager === current.managerId ? current.managerId : await resolveManager(tx, attrs.manager, id);
    const cols = columnsOf(attrs, managerId, actor);
    const before = (await tx.user.findUnique({ where: { id } })) as User;
    const changed = (Object.keys(cols) as (keyof typeof cols)[]).some((k) => cols[k] !== before[k]);
    let latest = before;
    if (changed) {
      latest = await tx.user.update({ where: { id }, data: { ...cols, updatedAt: now } });
      await recordAudit(tx, {
        action: "directory.user_updated",
        ...auditActor(actor),
        targetType: "user",
        targetId: id,
        targetLabel: latest.email,
        decision: "allow",
        reason: `Updated via ${actor.via}`,
        occurredAt: now,
        detail: { via: actor.via, before: personSnapshot(before), after: personSnapshot(latest) },
      });
    }
    offboarding = await setPersonActiveIn(tx, actor, latest, attrs.active, now);
    return findVisible(tx, id);
  });
  announceRevocations(offboarding);
  return toScimUser(row, base);
}

/** PUT: the resource replaces the person's attributes; what it leaves out is cleared (`active` defaults to true). */
export async function replaceUser(
  db: Db,
  actor: DirectoryActor,
  id: string,
  body: unknown,
  base: string,
  now = new Date(),
) {
  const attrs = parseUserResource(body);
  return saveUser(db, actor, id, () => attrs, base, now);
}

export async function patchUser(
  db: Db,
  actor: DirectoryActor,
  id: string,
  body: unknown,
  base: string,
  now = new Date(),
) {
  const ops = parsePatchOperations(body);
  return saveUser(db, actor, id, (current) => applyUserPatch(current, ops), base, now);
}

/** DELETE: soft — the person disappears from SCIM and the console's directory; their history stays. */
export async function deleteUser(db: Db, actor: DirectoryActor, id: string, now = new Date()): Promise<void> {
  const result = await db.$transaction(async (tx) => {
    const before = await tx.user.findFirst({ where: { id, ...visible } });
    if (!before) throw notFound(`User ${id} not found`);
    return deletePersonIn(tx, actor, before, now);
  });
  announceRevocations(result);
}

export async function listUsers(
  db: Db,
  query: { filter: string | null; page: Page },
  base: string,
): Promise<Record<string, unknown>> {
  const where: Prisma.UserWhereInput = query.filter
    ? {
        AND: [
          visible,
          userFilterWhere(parseScimFilter(query.filter), { insensitive: textFiltersNeedInsensitiveMode(db) }),
        ],
      }
    : visible;
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      select: userSelect,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: query.page.startIndex - 1,
      take: query.page.count,
    }),
  ]);
  return listResponse(
    rows.map((r) => toScimUser(r, base)),
    total,
    query.page,
  );
}
