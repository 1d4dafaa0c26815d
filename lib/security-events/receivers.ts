import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { open, seal } from "@/lib/crypto/secret-box";
import { DomainError } from "@/lib/errors/domain-error";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";

const sealContext = (id: string) => `event-receiver:${id}`;

export const createReceiverSchema = z.object({
  name: z.string().trim().min(1, "Name it").max(100),
  url: z
    .string()
    .trim()
    .url("A URL such as https://mcp.example/ssf/events")
    .refine((u) => /^https?:\/\//i.test(u), "http or https"),
  /** Sent as the Authorization header of each push (RFC 8935 §2: the receiver may require authorization). */
  authHeader: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => v || undefined),
  /**
   * The natively enforcing MCP server whose CAEP endpoint this is: it then hears only of its own sessions, and the
   * coverage map and revocation drills count it as that server's revocation signal. None: every session (a SIEM).
   */
  serverId: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
});
export type CreateReceiverInput = z.input<typeof createReceiverSchema>;

export const receiverIdSchema = z.object({ receiverId: z.string().min(1) });

export interface ReceiverRow {
  id: string;
  name: string;
  url: string;
  /** The MCP server it is the CAEP endpoint of, if any. */
  server: { id: string; name: string } | null;
  hasAuthHeader: boolean;
  enabled: boolean;
  createdAt: Date;
  pending: number;
  delivered: number;
  failed: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
}

/** Registers an SSF push receiver; its auth header is sealed with the master key and never shown again. */
export async function createReceiver(
  db: Db,
  actor: Principal,
  raw: CreateReceiverInput,
  now = new Date(),
): Promise<{ id: string }> {
  const input = createReceiverSchema.parse(raw);
  const id = timeOrderedId(now.getTime());
  await db.$transaction(async (tx) => {
    const server = input.serverId
      ? await tx.mcpServer.findUnique({
          where: { id: input.serverId },
          select: { id: true, name: true, enforcementMode: true },
        })
      : null;
    if (input.serverId && !server) throw new DomainError("not_found", "No such MCP server", "serverId");
    if (server && server.enforcementMode !== "native")
      throw new DomainError(
        "invalid",
        `${server.name} is behind the gateway, which enforces revocation itself: only a natively enforcing server needs a receiver`,
        "serverId",
      );
    await tx.eventReceiver.create({
      data: {
        id,
        name: input.name,
        url: input.url,
        authHeaderEnc: input.authHeader ? seal(input.authHeader, sealContext(id)) : null,
        createdAt: now,
        createdBy: personOf(actor),
        serverId: server?.id ?? null,
      },
    });
    await recordAudit(tx, {
      action: "event_receiver.created",
      ...actorOf(actor),
      targetType: "event_receiver",
      targetId: id,
      targetLabel: input.name,
      decision: "allow",
      occurredAt: now,
      detail: {
        after: {
          name: input.name,
          url: input.url,
          authHeader: input.authHeader ? "set" : "none",
          server: server ? { id: server.id, name: server.name } : null,
        },
      },
    });
  });
  return { id };
}

/** Removes a receiver and its delivery history. */
export async function deleteReceiver(db: Db, actor: Principal, receiverId: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.eventReceiver.findUnique({ where: { id: receiverId } });
    if (!before) throw new DomainError("not_found", "No such receiver");
    await tx.eventReceiver.delete({ where: { id: receiverId } });
    await recordAudit(tx, {
      action: "event_receiver.deleted",
      ...actorOf(actor),
      targetType: "event_receiver",
      targetId: receiverId,
      targetLabel: before.name,
      decision: "allow",
      occurredAt: now,
      detail: { before: { name: before.name, url: before.url } },
    });
  });
}

/** The sealed Authorization header of a receiver, opened for a delivery. */
export function receiverAuthHeader(r: { id: string; authHeaderEnc: string | null }): string | null {
  return r.authHeaderEnc ? open(r.authHeaderEnc, sealContext(r.id)) : null;
}

/** Every receiver with its delivery counts, for Settings → Event receivers. */
export async function listReceivers(db: Db): Promise<ReceiverRow[]> {
  const receivers = await db.eventReceiver.findMany({
    orderBy: { createdAt: "asc" },
    include: { server: { select: { id: true, name: true } } },
  });
  const counts = await db.securityEventDelivery.groupBy({ by: ["receiverId", "status"], _count: { _all: true } });
  const rows: ReceiverRow[] = [];
  for (const r of receivers) {
    const count = (status: string) =>
      counts.find((c) => c.receiverId === r.id && c.status === status)?._count._all ?? 0;
    const [lastDelivered, lastFailed] = await Promise.all([
      db.securityEventDelivery.findFirst({
        where: { receiverId: r.id, status: "delivered" },
        orderBy: { deliveredAt: "desc" },
        select: { deliveredAt: true },
      }),
      db.securityEventDelivery.findFirst({
        where: { receiverId: r.id, lastError: { not: null } },
        orderBy: { createdAt: "desc" },
        select: { lastError: true },
      }),
    ]);
    rows.push({
      id: r.id,
      name: r.name,
      url: r.url,
      server: r.server,
      hasAuthHeader: r.authHeaderEnc !== null,
      enabled: r.enabled,
      createdAt: r.createdAt,
      pending: count("pending"),
      delivered: count("delivered"),
      failed: count("failed"),
      lastDeliveredAt: lastDelivered?.deliveredAt ?? null,
      lastError: lastFailed?.lastError ?? null,
    });
  }
  return rows;
}
