import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listReceivers } from "@/lib/security-events/receivers";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { ReceiversPanel } from "./receivers-panel";

export const metadata: Metadata = { title: "Event receivers" };
export const dynamic = "force-dynamic";

export default async function EventReceiversPage() {
  const principal = await requirePermission("settings.view");
  const [rows, servers] = await Promise.all([
    listReceivers(getDb()),
    getDb().mcpServer.findMany({
      where: { enforcementMode: "native" },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
  ]);
  return (
    <>
      <PageHeader title="Settings" description="How this Mandate instance is set up, and who can use it." />
      <SettingsNav />
      <ReceiversPanel
        canManage={can(principal, "settings.manage")}
        servers={servers}
        rows={rows.map((r) => ({
          ...r,
          createdAt: undefined,
          lastDeliveredAt: r.lastDeliveredAt?.toISOString() ?? null,
        }))}
      />
    </>
  );
}
