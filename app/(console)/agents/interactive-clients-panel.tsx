import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { InteractiveClientSummary } from "@/lib/interactive/list-interactive-clients";

/**
 * Interactive MCP clients (IDEs, desktop assistants) on the Agents page:
 * those pending approval first, like pending tools, then who uses each now.
 */
export function InteractiveClientsPanel({
  clients,
  pending,
  total,
}: {
  clients: InteractiveClientSummary[];
  pending: number;
  total: number;
}) {
  if (total === 0) return null;
  return (
    <Card className="mb-4" data-testid="interactive-clients">
      <CardHeader>
        <CardTitle>
          Interactive clients ({total})
          {pending ? (
            <span className="ml-2 align-middle">
              <StatusBadge variant="warning">{`${pending} pending approval`}</StatusBadge>
            </span>
          ) : null}
        </CardTitle>
        <CardDescription>
          MCP clients people sign in to. Each acts for the signed-in person, within its own entitlements and theirs.
        </CardDescription>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-muted-foreground">
            <tr>
              <th className="py-2 pr-3 font-medium">Client</th>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 pr-3 font-medium">Identified by</th>
              <th className="py-2 pr-3 text-right font-medium">People</th>
              <th className="py-2 text-right font-medium">Live sessions</th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {clients.map((c) => (
              <tr key={c.id} data-testid={`interactive-client-${c.id}`}>
                <td className="max-w-72 py-2 pr-3">
                  <Link href={`/agents/${c.id}`} className="font-medium underline-offset-4 hover:underline">
                    {c.name}
                  </Link>
                  {c.localRedirect ? (
                    <span
                      className="ml-2 inline-flex items-center gap-1 text-xs text-warning-foreground dark:text-warning"
                      title="Declares localhost redirect URIs"
                    >
                      <AlertTriangle className="size-3" aria-hidden /> localhost
                    </span>
                  ) : null}
                  <span className="block truncate font-mono text-xs text-muted-foreground">{c.clientId}</span>
                </td>
                <td className="py-2 pr-3">
                  <StatusBadge
                    variant={c.status === "pending" ? "warning" : c.status === "active" ? "success" : "neutral"}
                  >
                    {c.status === "pending" ? "pending approval" : c.status}
                  </StatusBadge>
                </td>
                <td className="py-2 pr-3 text-xs">
                  {c.registration === "cimd" ? "Metadata document" : "Dynamic registration"}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{c.people}</td>
                <td className="py-2 text-right tabular-nums">{c.liveSessions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
}
