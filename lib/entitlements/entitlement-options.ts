import type { Db } from "@/lib/db/client";

export interface EntitlementOption {
  id: string;
  name: string;
  serverName: string;
}

/** Entitlements for pickers (the Assign dialog, list filters), by name. */
export async function entitlementOptions(db: Db): Promise<EntitlementOption[]> {
  const rows = await db.entitlement.findMany({
    orderBy: { name: "asc" },
    take: 2000,
    select: { id: true, name: true, server: { select: { name: true } } },
  });
  return rows.map((e) => ({ id: e.id, name: e.name, serverName: e.server.name }));
}
