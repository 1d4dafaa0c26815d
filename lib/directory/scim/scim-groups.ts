import type { Db, Tx } from "@/lib/db/client";
import { textFiltersNeedInsensitiveMode } from "@/lib/db/stores/text-search";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { recordAudit } from "@/lib/audit/record";
import { endConflictingGrants, grantsToGroupBy } from "@/lib/access/separation-of-duties";
import { liveAssignmentWhere } from "@/lib/assignments/live-assignment";
import type { Principal } from "@/lib/auth/principal";
import { reconcileLiveSessionsIn } from "@/lib/sessions/reconcile-live-sessions";
import { revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { auditActor, type DirectoryActor } from "../directory-actor";
import { groupChangeOf, type GroupChange } from "./group-patch";
import { parseGroupResource, toScimGroup, type GroupRow } from "./group-resource";
import { parsePatchOperations } from "./patch-operations";
import { invalidValue, notFound, uniqueness } from "./scim-error";
import { groupFilterWhere, parseScimFilter } from "./scim-filter";
import { listResponse, type Page } from "./scim-list";

const visible = { deletedAt: null } satisfies Prisma.GroupWhereInput;
const groupSelect = {
  id: true,
  displayName: true,
  externalId: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.GroupSelect;
/** Member ids listed in one audit event; beyond this only the count is kept (a 50k-member initial load). */
const AUDIT_MEMBER_IDS = 1000;

async function findVisible(db: Db | Tx, id: string): Promise<GroupRow> {
  const row = await db.group.findFirst({ where: { id, ...visible }, select: groupSelect });
  if (!row) throw notFound(`Group ${id} not found`);
  return row;
}

async function membersOf(db: Db | Tx, groupId: string) {
  const rows = await db.groupMembership.findMany({
    where: { groupId },
    orderBy: { userId: "asc" },
    select: { userId: true, user: { select: { displayName: true } } },
  });
  return rows.map((r) => ({ userId: r.userId, displayName: r.user.displayName }));
}

async function requireFreeName(tx: Tx, displayName: string, selfId: string | null): Promise<void> {
  const holder = await tx.group.findUnique({ where: { displayName }, select: { id: true, deletedAt: true } });
  if (holder && holder.id !== selfId) {
    throw uniqueness(
      holder.deletedAt
        ? `displayName ${displayName} belonged to a deleted group; its history is kept`
        : `displayName ${displayName} is already in use`,
    );
  }
}

/** Every id must name a person in the directory: a membership of nobody is refused, not silently dropped. */
async function requirePeople(tx: Tx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const unique = [...new Set(ids)];
  const found = await tx.user.findMany({ where: { id: { in: unique }, deletedAt: null }, select: { id: true } });
  if (found.length !== unique.length) {
    const known = new Set(found.map((u) => u.id));
    throw invalidValue(`members.value ${unique.find((id) => !known.has(id))} is not a known user`);
  }
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";

async function write<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await revokingTransaction(db, fn, { maxWait: 20_000, timeout: 60_000 });
  } catch (e) {
    if (isUniqueViolation(e)) throw uniqueness("displayName is already in use");
    throw e;
  }
}

const idList = (ids: string[]) => (ids.length > AUDIT_MEMBER_IDS ? ids.slice(0, AUDIT_MEMBER_IDS) : ids);

export async function createGroup(db: Db, actor: DirectoryActor, body: unknown, base: string, now = new Date()) {
  const attrs = parseGroupResource(body);
  const members = [...new Set(attrs.members ?? [])];
  const group = await write(db, async (tx) => {
    await requireFreeName(tx, attrs.displayName, null);
    await requirePeople(tx, members);
    const g = await tx.group.create({
      data: {
        displayName: attrs.displayName,
        externalId: attrs.externalId,
        source: "scim",
        createdAt: now,
        updatedAt: now,
      },
      select: groupSelect,
    });
    if (members.length > 0)
      await tx.groupMembership.createMany({
        data: members.map((userId) => ({ groupId: g.id, userId, createdAt: now })),
      });
    await recordAudit(tx, {
      action: "directory.group_created",
      ...auditActor(actor),
      targetType: "group",
      targetId: g.id,
      targetLabel: g.displayName,
      decision: "allow",
      reason: `Provisioned via ${actor.via}`,
      occurredAt: now,
      detail: {
        via: actor.via,
        after: { displayName: g.displayName, externalId: g.externalId },
        memberCount: members.length,
        added: idList(members),
      },
    });
    return g;
  });
  return toScimGroup(group, await membersOf(db, group.id), base);
}

export async function getGroup(db: Db, id: string, base: string, opts: { members: boolean }) {
  const g = await findVisible(db, id);
  return toScimGroup(g, opts.members ? await membersOf(db, id) : null, base);
}

/** People reconciled per statement when they leave a group (each one is a bound parameter). */
const LEAVERS_PER_RECONCILE = 5000;

/**
 * People who left a group lose what they reached through it at their agents'
 * next call: their live sessions that held one of the group's tools are
 * reconciled with what they still reach (another grant may keep a tool).
 */
async function reconcileLeavers(
  tx: Tx,
  actor: DirectoryActor,
  group: GroupRow,
  userIds: string[],
  now: Date,
  groupTools?: string[],
): Promise<void> {
  const tools =
    groupTools ??
    (
      await tx.assignment.findMany({
        where: { groupId: group.id, ...liveAssignmentWhere(now) },
        select: { entitlement: { select: { tools: { select: { toolId: true } } } } },
      })
    ).flatMap((a) => a.entitlement.tools.map((t) => t.toolId));
  if (tools.length === 0) return;
  for (let i = 0; i < userIds.length; i += LEAVERS_PER_RECONCILE) {
    const part = userIds.slice(i, i + LEAVERS_PER_RECONCILE);
    await reconcileLiveSessionsIn(
      tx,
      auditActor(actor),
      { sessions: { userId: { in: part } }, tools },
      {
        reason: `Left group ${group.displayName} via ${actor.via}`,
        now,
        operation: { kind: "group_membership_removed", groupId: group.id, userIds: part.slice(0, AUDIT_MEMBER_IDS) },
      },
    );
  }
}

/**
 * Applies a change to a group in one transaction: rename, then member
 * additions and removals computed against the current memberships of the
 * people named only, so one added member costs one row, whatever the group's
 * size. Membership is read live by effective access and the token service:
 * the change takes effect at the next decision and the next token, and a
 * removal at the next gateway call of its people's live sessions.
 *
 * A new member who granted the group live access would benefit from their own
 * grant (separation of duties). The IdP decides membership, so the change is
 * not refused: those grants end, flagged for an admin to grant again.
 */
async function applyChange(tx: Tx, actor: DirectoryActor, before: GroupRow, change: GroupChange, now: Date) {
  if (change.displayName !== undefined && change.displayName !== before.displayName)
    await requireFreeName(tx, change.displayName, before.id);
  let current: Set<string>;
  let state: Set<string>;
  if (change.replaceMembers) {
    current = new Set(
      (await tx.groupMembership.findMany({ where: { groupId: before.id }, select: { userId: true } })).map(
        (m) => m.userId,
      ),
    );
    state = new Set(change.replaceMembers);
  } else {
    const touched = [...new Set(change.steps.flatMap((s) => s.ids))];
    current =
      touched.length === 0
        ? new Set()
        : new Set(
            (
              await tx.groupMembership.findMany({
                where: { groupId: before.id, userId: { in: touched } },
                select: { userId: true },
              })
            ).map((m) => m.userId),
          );
    state = new Set(current);
  }
  for (const step of change.steps) for (const id of step.ids) step.kind === "add" ? state.add(id) : state.delete(id);
  const added = [...state].filter((id) => !current.has(id));
  const removed = [...current].filter((id) => !state.has(id));
  await requirePeople(tx, added);
  if (added.length > 0)
    await tx.groupMembership.createMany({
      data: added.map((userId) => ({ groupId: before.id, userId, createdAt: now })),
    });
  if (removed.length > 0)
    await tx.groupMembership.deleteMany({ where: { groupId: before.id, userId: { in: removed } } });

  const attrs: { displayName?: string; externalId?: string | null } = {};
  if (change.displayName !== undefined && change.displayName !== before.displayName)
    attrs.displayName = change.displayName;
  if (change.externalId !== undefined && change.externalId !== before.externalId) attrs.externalId = change.externalId;
  if (added.length === 0 && removed.length === 0 && Object.keys(attrs).length === 0) return;
  if (removed.length > 0) await reconcileLeavers(tx, actor, before, removed, now);
  const after = await tx.group.update({
    where: { id: before.id },
    data: { ...attrs, updatedAt: now },
    select: groupSelect,
  });
  const event = await recordAudit(tx, {
    action: "directory.group_changed",
    ...auditActor(actor),
    targetType: "group",
    targetId: before.id,
    targetLabel: after.displayName,
    decision: "allow",
    occurredAt: now,
    reason:
      [
        Object.keys(attrs).length > 0 ? "attributes changed" : null,
        added.length > 0 ? `${added.length} member(s) added` : null,
        removed.length > 0 ? `${removed.length} member(s) removed` : null,
      ]
        .filter(Boolean)
        .join("; ") + ` via ${actor.via}`,
    detail: {
      via: actor.via,
      before: { displayName: before.displayName, externalId: before.externalId },
      after: { displayName: after.displayName, externalId: after.externalId },
      added: idList(added),
      removed: idList(removed),
      addedCount: added.length,
      removedCount: removed.length,
    },
  });
  const conflicts = await grantsToGroupBy(tx, before.id, added, now);
  if (conflicts.length === 0) return;
  const emails = new Map(
    (
      await tx.user.findMany({
        where: { id: { in: [...new Set(conflicts.map((c) => c.grantedById))] } },
        select: { id: true, email: true },
      })
    ).map((u) => [u.id, u.email]),
  );
  const principal: Principal = { kind: "system", label: actor.actorLabel ?? `directory (${actor.via})`, roles: [] };
  await endConflictingGrants(
    tx,
    principal,
    conflicts,
    {
      describe: (g) =>
        `${emails.get(g.grantedById) ?? g.grantedById} granted this access to ${after.displayName} and then joined it via ${actor.via} (event ${event.id}); another admin must grant it again`,
      detail: { groupId: before.id, directoryEventId: event.id },
    },
    now,
  );
}

export async function replaceGroup(
  db: Db,
  actor: DirectoryActor,
  id: string,
  body: unknown,
  base: string,
  now = new Date(),
) {
  const attrs = parseGroupResource(body);
  await write(db, async (tx) => {
    const before = await findVisible(tx, id);
    await applyChange(
      tx,
      actor,
      before,
      { displayName: attrs.displayName, externalId: attrs.externalId, replaceMembers: attrs.members ?? [], steps: [] },
      now,
    );
  });
  return getGroup(db, id, base, { members: true });
}

/** PATCH answers 204 (RFC 7644 §3.5.2 allows it): a group's member list can be large, and Okta and Entra ignore the body. */
export async function patchGroup(
  db: Db,
  actor: DirectoryActor,
  id: string,
  body: unknown,
  now = new Date(),
): Promise<void> {
  const change = groupChangeOf(parsePatchOperations(body));
  await write(db, async (tx) => applyChange(tx, actor, await findVisible(tx, id), change, now));
}

/**
 * DELETE: soft. The group's live assignments end (each audited, naming the
 * deletion), its memberships go (with its members' live sessions that lose a
 * tool), and the row stays for history.
 */
export async function deleteGroup(db: Db, actor: DirectoryActor, id: string, now = new Date()): Promise<void> {
  await write(db, async (tx) => {
    const before = await findVisible(tx, id);
    const members = await tx.groupMembership.count({ where: { groupId: id } });
    const event = await recordAudit(tx, {
      action: "directory.group_deleted",
      ...auditActor(actor),
      targetType: "group",
      targetId: id,
      targetLabel: before.displayName,
      decision: "allow",
      reason: `Deleted via ${actor.via}; history kept`,
      occurredAt: now,
      detail: {
        via: actor.via,
        before: { displayName: before.displayName, externalId: before.externalId, memberCount: members },
      },
    });
    const reason = `Group ${before.displayName} was deleted in the directory (event ${event.id})`;
    const live = await tx.assignment.findMany({
      where: { groupId: id, ...liveAssignmentWhere(now) },
      select: { id: true, entitlement: { select: { name: true, tools: { select: { toolId: true } } } } },
    });
    if (live.length > 0)
      await tx.assignment.updateMany({
        where: { id: { in: live.map((a) => a.id) } },
        data: { endedAt: now, endedReason: reason },
      });
    for (const a of live) {
      await recordAudit(tx, {
        action: "assignment.ended",
        ...auditActor(actor),
        targetType: "assignment",
        targetId: a.id,
        targetLabel: a.entitlement.name,
        decision: "allow",
        reason,
        occurredAt: now,
        detail: {
          before: { endedAt: null, endedReason: null },
          after: { endedAt: now, endedReason: reason },
          directoryEventId: event.id,
        },
      });
    }
    const leavers = (await tx.groupMembership.findMany({ where: { groupId: id }, select: { userId: true } })).map(
      (m) => m.userId,
    );
    await tx.groupMembership.deleteMany({ where: { groupId: id } });
    await reconcileLeavers(
      tx,
      actor,
      before,
      leavers,
      now,
      live.flatMap((a) => a.entitlement.tools.map((t) => t.toolId)),
    );
    await tx.group.update({ where: { id }, data: { deletedAt: now, updatedAt: now } });
  });
}

export async function listGroups(db: Db, query: { filter: string | null; page: Page; members: boolean }, base: string) {
  const where: Prisma.GroupWhereInput = query.filter
    ? {
        AND: [
          visible,
          groupFilterWhere(parseScimFilter(query.filter), { insensitive: textFiltersNeedInsensitiveMode(db) }),
        ],
      }
    : visible;
  const [total, rows] = await Promise.all([
    db.group.count({ where }),
    db.group.findMany({
      where,
      select: groupSelect,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: query.page.startIndex - 1,
      take: query.page.count,
    }),
  ]);
  const resources = [];
  for (const g of rows) resources.push(toScimGroup(g, query.members ? await membersOf(db, g.id) : null, base));
  return listResponse(resources, total, query.page);
}
