import Link from "next/link";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import type { ReachableTool } from "@/lib/entitlements/effective-access";

/** What the agent can reach right now, one row per tool, with every grant that leads to it. */
export function EffectiveAccessTable({ tools }: { tools: ReachableTool[] }) {
  if (tools.length === 0) return <p className="text-sm text-muted-foreground">This agent reaches no tools.</p>;
  return (
    <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
      <Table aria-label="Effective access" data-testid="effective-access">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Server</TableHead>
            <TableHead>Tool</TableHead>
            <TableHead>Risk</TableHead>
            <TableHead>Via</TableHead>
            <TableHead>Until</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {tools.map((t) => (
            <TableRow key={t.toolId} data-testid="effective-access-row">
              <TableCell>{t.serverName}</TableCell>
              <TableCell>
                <span className="font-mono text-xs">{t.toolName}</span>{" "}
                <span
                  className="font-mono text-xs text-muted-foreground"
                  title="The OAuth scope a token for this tool carries"
                >
                  {t.scope}
                </span>
              </TableCell>
              <TableCell>
                <RiskBadge risk={t.risk} />
              </TableCell>
              <TableCell className="whitespace-normal">
                {t.via.map((v) => (
                  <Link
                    key={v.assignmentId}
                    href={`/entitlements/${v.entitlementId}`}
                    className="mr-2 hover:underline"
                    title={`Assignment ${v.assignmentId}`}
                  >
                    {v.entitlementName}
                  </Link>
                ))}
              </TableCell>
              <TableCell>
                {t.until ? (
                  <DateTime iso={t.until.toISOString()} />
                ) : (
                  <span className="text-muted-foreground">No end date</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
