import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { RiskBadge } from "@/components/console/risk-badge";
import { liveAssignmentsOf } from "@/lib/assignments/live-assignments-of";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { getEntitlement } from "@/lib/entitlements/get-entitlement";
import { formatDuration } from "@/lib/utils/format";
import { requirePermission } from "@/app/_server/principal";
import { AssignDialog } from "../assignments/assign-dialog";
import { LiveAssignmentsTable } from "../assignments/live-assignments-table";
import { DeleteEntitlementButton } from "./delete-entitlement-button";

export const metadata: Metadata = { title: "Entitlement" };
export const dynamic = "force-dynamic";

export default async function EntitlementPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePermission("inventory.view");
  const { id } = await params;
  const db = getDb();
  const entitlement = await getEntitlement(db, id);
  if (!entitlement) notFound();
  const assignments = await liveAssignmentsOf(db, { entitlementId: id });
  const canManage = can(principal, "entitlements.manage");
  const canAssign = can(principal, "assignments.manage") && entitlement.risk !== null;

  return (
    <>
      <PageHeader
        title={entitlement.name}
        description={
          <>
            {entitlement.server.name} · max session {formatDuration(entitlement.maxSessionSeconds)}
            {entitlement.reauthIntervalSeconds
              ? ` · re-authenticate every ${formatDuration(entitlement.reauthIntervalSeconds)}`
              : ""}
            {entitlement.description ? <span className="mt-1 block">{entitlement.description}</span> : null}
          </>
        }
        actions={
          canManage ? (
            <>
              <Button variant="outline" asChild>
                <Link href={`/entitlements/${id}/edit`}>Edit</Link>
              </Button>
              <DeleteEntitlementButton entitlementId={id} name={entitlement.name} />
            </>
          ) : undefined
        }
      />
      <section className="grid gap-3" aria-labelledby="tools-heading">
        <h2 id="tools-heading" className="flex items-center gap-2 text-lg font-semibold">
          Tools{" "}
          <span data-testid="entitlement-risk">{entitlement.risk ? <RiskBadge risk={entitlement.risk} /> : null}</span>
        </h2>
        <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
          <Table aria-label="Tools">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Tool</TableHead>
                <TableHead>Scope</TableHead>
                <TableHead>Risk</TableHead>
                <TableHead>Status</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {entitlement.tools.map((t) => (
                <TableRow key={t.id}>
                  <TableCell>
                    <span className="font-mono text-xs">{t.name}</span>
                    {t.title ? <span className="ml-2 text-muted-foreground">{t.title}</span> : null}
                  </TableCell>
                  <TableCell className="font-mono text-xs text-muted-foreground">{t.scope}</TableCell>
                  <TableCell>
                    <RiskBadge risk={t.risk} />
                  </TableCell>
                  <TableCell>
                    {/* A tool un-approved after bundling grants nothing: say so rather than hide it. */}
                    <Badge variant={t.status === "approved" ? "muted" : "warning"}>{t.status}</Badge>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </section>
      <section className="grid gap-3" aria-labelledby="assignments-heading">
        <div className="flex items-center justify-between gap-2">
          <h2 id="assignments-heading" className="text-lg font-semibold">
            Assignments
          </h2>
          {canAssign ? <AssignDialog entitlement={{ id, name: entitlement.name }} /> : null}
        </div>
        <LiveAssignmentsTable rows={assignments} show="principal" canEnd={can(principal, "assignments.manage")} />
      </section>
    </>
  );
}
