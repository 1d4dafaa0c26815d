import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { DateTime } from "@/components/console/date-time";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { AgentDetail } from "@/lib/agents/get-agent";
import { getDb } from "@/lib/db/client";
import { isLocalRedirect } from "@/lib/interactive/redirect-uris";

/**
 * An interactive client's own facts — how it is identified, where it sends
 * people back (localhost flagged), approval — and the people using it now,
 * with their live sessions.
 */
export async function InteractiveClientCards({
  agentId,
  status,
  client,
}: {
  agentId: string;
  status: string;
  client: NonNullable<AgentDetail["interactive"]>;
}) {
  const now = new Date();
  const sessions = await getDb().agentSession.findMany({
    where: { agentId, status: "active", expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: {
      id: true,
      createdAt: true,
      lastUsedAt: true,
      user: { select: { id: true, displayName: true, email: true } },
      server: { select: { name: true } },
    },
  });
  const people = new Set(sessions.map((s) => s.user?.id).filter(Boolean)).size;
  const local = client.redirectUris.filter(isLocalRedirect);
  return (
    <div className="mb-4 grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Interactive client</CardTitle>
          <CardDescription>
            {status === "pending" ? (
              "Pending approval: nobody can sign in through it until an admin approves it."
            ) : client.approvedAt ? (
              <>
                Approved <DateTime iso={client.approvedAt.toISOString()} />
              </>
            ) : (
              "Approved"
            )}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm">
          <p>
            {client.registration === "cimd"
              ? "Identified by its client ID metadata document (the client id is its URL, fetched and checked by Mandate)."
              : "Registered dynamically (RFC 7591): its name and site are its own claims, not verified by a domain."}
            {client.clientUri ? (
              <span className="block break-all text-muted-foreground">Site: {client.clientUri}</span>
            ) : null}
          </p>
          <div>
            <p className="font-medium">Redirect URIs ({client.redirectUris.length})</p>
            <ul className="mt-1 grid gap-1" data-testid="client-redirect-uris">
              {client.redirectUris.map((u) => (
                <li key={u} className="break-all font-mono text-xs">
                  {u}
                </li>
              ))}
            </ul>
          </div>
          {local.length ? (
            <p
              data-testid="client-localhost-warning"
              className="flex gap-2 rounded-md border border-warning/30 bg-warning/15 px-3 py-2 text-xs"
            >
              <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
              It declares localhost redirect URIs: any program on a person&apos;s computer can listen there and pose as
              this client. People see the same warning when they sign in through it.
            </p>
          ) : null}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>People and sessions</CardTitle>
          <CardDescription>
            {people} {people === 1 ? "person" : "people"}, {sessions.length} live{" "}
            {sessions.length === 1 ? "session" : "sessions"} ·{" "}
            <Link className="underline" href={`/sessions?agentId=${agentId}`}>
              all sessions
            </Link>
          </CardDescription>
        </CardHeader>
        <CardContent>
          {sessions.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nobody is signed in through it now.</p>
          ) : (
            <ul className="divide-y text-sm" data-testid="client-sessions">
              {sessions.map((s) => (
                <li key={s.id} className="flex items-center justify-between gap-3 py-2">
                  <span className="min-w-0 truncate">
                    {s.user ? `${s.user.displayName} (${s.user.email})` : "—"}{" "}
                    <span className="text-muted-foreground">→ {s.server.name}</span>
                  </span>
                  <Link className="shrink-0 text-xs underline" href={`/sessions/${s.id}`}>
                    since <DateTime iso={s.createdAt.toISOString()} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
