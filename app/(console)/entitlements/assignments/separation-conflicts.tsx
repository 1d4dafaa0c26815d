"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { errorMessageOf, useConsoleAction } from "@/components/console/use-console-action";
import { resolveSeparationConflictAction } from "./actions";

export interface SeparationConflictRow {
  id: string;
  entitlement: { id: string; name: string; serverName: string };
  principalType: "agent" | "user" | "group";
  principal: { id: string; label: string };
  conflict: string;
  conflictAt: string;
}

/**
 * Grants ended because their grantor came to benefit from them (a SCIM membership change put the admin who made a
 * group's grant into the group). Listed first on the assignments page until someone decides: grant it again — the
 * acting admin becomes its grantor, and may not benefit from it either — or dismiss the flag.
 */
export function SeparationConflicts({
  rows,
  total,
  canResolve,
}: {
  rows: SeparationConflictRow[];
  total: number;
  canResolve: boolean;
}) {
  const action = useConsoleAction(resolveSeparationConflictAction, {
    success: (_, input) => (input.resolution === "grant_again" ? "Access granted again" : "Flag dismissed"),
  });
  const resolve = (assignmentId: string, resolution: "grant_again" | "dismiss") => async (justification: string) => {
    const result = await action.run({ assignmentId, resolution, justification });
    return result.ok ? null : errorMessageOf(result.error, "justification");
  };
  return (
    <section
      aria-labelledby="separation-conflicts-heading"
      className="grid gap-3 rounded-xl border border-warning/40 bg-warning/5 p-4"
      data-testid="separation-conflicts"
    >
      <div className="grid gap-1">
        <h2 id="separation-conflicts-heading" className="font-semibold">
          Ended for separation of duties <Badge variant="warning">{total}</Badge>
        </h2>
        <p className="text-sm text-muted-foreground">
          Each grant below ended when the person who made it came to benefit from it. Its holders have lost the access
          until another admin grants it again.
        </p>
      </div>
      <div className="overflow-hidden rounded-lg border bg-card">
        <Table aria-label="Grants ended for separation of duties">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Entitlement</TableHead>
              <TableHead>Held by</TableHead>
              <TableHead>Why it ended</TableHead>
              <TableHead>Ended</TableHead>
              {canResolve ? <TableHead className="sr-only">Actions</TableHead> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.id} data-testid="separation-conflict-row">
                <TableCell>
                  <Link href={`/entitlements/${r.entitlement.id}`} className="font-medium hover:underline">
                    {r.entitlement.name}
                  </Link>
                  <div className="text-xs text-muted-foreground">{r.entitlement.serverName}</div>
                </TableCell>
                <TableCell>
                  <span className="flex items-center gap-2">
                    <Badge variant="muted" className="capitalize">
                      {r.principalType}
                    </Badge>
                    {r.principalType === "agent" ? (
                      <Link href={`/agents/${r.principal.id}`} className="font-medium hover:underline">
                        {r.principal.label}
                      </Link>
                    ) : (
                      <span className="font-medium">{r.principal.label}</span>
                    )}
                  </span>
                </TableCell>
                <TableCell className="max-w-[28rem] whitespace-normal break-words text-sm">{r.conflict}</TableCell>
                <TableCell>
                  <DateTime iso={r.conflictAt} />
                </TableCell>
                {canResolve ? (
                  <TableCell>
                    <div className="flex justify-end gap-1">
                      <ReasonDialog
                        trigger={
                          <Button size="sm" variant="outline" data-testid="grant-again">
                            Grant again
                          </Button>
                        }
                        title="Grant this access again?"
                        description={`${r.entitlement.name} for ${r.principal.label}, with the same tools and expiry. You become its grantor: you may not benefit from it yourself.`}
                        reasonLabel="Justification"
                        minLength={10}
                        confirmLabel="Grant again"
                        onConfirm={resolve(r.id, "grant_again")}
                      />
                      <ReasonDialog
                        trigger={
                          <Button size="sm" variant="ghost" data-testid="dismiss-conflict">
                            Dismiss
                          </Button>
                        }
                        title="Leave this grant ended?"
                        description={`${r.entitlement.name} for ${r.principal.label} stays ended; the flag is cleared.`}
                        confirmLabel="Dismiss"
                        onConfirm={resolve(r.id, "dismiss")}
                      />
                    </div>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {total > rows.length ? (
        <p className="text-xs text-muted-foreground">
          Showing the newest {rows.length} of {total}.
        </p>
      ) : null}
    </section>
  );
}
