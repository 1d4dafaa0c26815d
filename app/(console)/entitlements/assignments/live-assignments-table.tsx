import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import type { AssignmentItem } from "@/lib/assignments/assignment-item";
import { EndAssignmentButton } from "./end-assignment-button";

/**
 * The live assignments on a detail page. `show` picks the column that is not
 * already the page's subject: the entitlement (on an agent) or the principal
 * (on an entitlement).
 */
export function LiveAssignmentsTable({
  rows,
  show,
  canEnd,
}: {
  rows: AssignmentItem[];
  show: "entitlement" | "principal";
  canEnd: boolean;
}) {
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No live assignments.</p>;
  return (
    <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
      <Table aria-label="Live assignments" data-testid="live-assignments">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>{show === "entitlement" ? "Entitlement" : "Assigned to"}</TableHead>
            <TableHead>Until</TableHead>
            <TableHead>Justification</TableHead>
            <TableHead>Granted by</TableHead>
            {canEnd ? <TableHead className="sr-only">Actions</TableHead> : null}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((a) => (
            <TableRow key={a.id} data-testid="assignment-row">
              <TableCell>
                {show === "entitlement" ? (
                  <Link href={`/entitlements/${a.entitlement.id}`} className="font-medium hover:underline">
                    {a.entitlement.name}
                  </Link>
                ) : (
                  <span className="flex items-center gap-2">
                    <Badge variant="muted" className="capitalize">
                      {a.principalType}
                    </Badge>
                    {a.principalType === "agent" ? (
                      <Link href={`/agents/${a.principal.id}`} className="font-medium hover:underline">
                        {a.principal.label}
                      </Link>
                    ) : (
                      <span className="font-medium">{a.principal.label}</span>
                    )}
                  </span>
                )}
              </TableCell>
              <TableCell>
                {a.expiresAt ? (
                  <DateTime iso={a.expiresAt.toISOString()} />
                ) : (
                  <span className="text-muted-foreground">No end date</span>
                )}
              </TableCell>
              <TableCell
                className="max-w-[24rem] truncate whitespace-normal text-muted-foreground"
                title={a.justification}
              >
                {a.justification}
              </TableCell>
              <TableCell className="text-muted-foreground">{a.grantedBy ?? "—"}</TableCell>
              {canEnd ? (
                <TableCell className="text-right">
                  <EndAssignmentButton assignmentId={a.id} summary={`${a.entitlement.name} for ${a.principal.label}`} />
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
