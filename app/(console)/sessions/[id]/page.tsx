import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Badge, StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateTime } from "@/components/console/date-time";
import { RiskBadge } from "@/components/console/risk-badge";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors/domain-error";
import { getSessionDetail, type SessionDetail } from "@/lib/sessions/get-session";
import { requirePermission } from "@/app/_server/principal";
import { RevokeSessionButton } from "../revoke-session-button";

export const metadata: Metadata = { title: "Session" };
export const dynamic = "force-dynamic";

const statusVariant: Record<string, BadgeVariant> = { active: "success", revoked: "danger", expired: "neutral" };

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

const iso = (d: Date | null) =>
  d ? <DateTime iso={d.toISOString()} /> : <span className="text-muted-foreground">—</span>;

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePermission("sessions.view");
  const { id } = await params;
  let detail: SessionDetail;
  try {
    detail = await getSessionDetail(getDb(), id);
  } catch (e) {
    if (isDomainError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const { session: s, tokens, toolCalls, authorizations, blastRadius, grantedTools } = detail;
  const label = `${s.agent.name} → ${s.server.name}`;
  return (
    <>
      <PageHeader
        title={label}
        description={<span className="font-mono">{s.id}</span>}
        actions={
          s.status === "active" && can(principal, "sessions.revoke") ? (
            <RevokeSessionButton sessionId={s.id} label={label} />
          ) : null
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Session</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              <Fact label="Status">
                <StatusBadge variant={statusVariant[s.status] ?? "neutral"}>{s.status}</StatusBadge>
              </Fact>
              <Fact label="Agent">
                <Link className="hover:underline" href={`/agents/${s.agent.id}`}>
                  {s.agent.name}
                </Link>{" "}
                <span className="font-mono text-xs text-muted-foreground">{s.agent.clientId}</span>
              </Fact>
              <Fact label="On behalf of">{s.user ? `${s.user.displayName} (${s.user.email})` : "Autonomous"}</Fact>
              <Fact label="Server">
                {s.server.name} <span className="font-mono text-xs text-muted-foreground">{s.server.resourceUri}</span>
              </Fact>
              <Fact label="Tools granted">
                {/* What the gateway lets this session call: its tokens' authorization_details, not their scopes. */}
                <span className="flex flex-wrap gap-1" data-testid="session-granted-tools">
                  {grantedTools.map((t) => (
                    <Badge key={t.id} variant="outline" className="font-mono font-normal" title={`scope ${t.scope}`}>
                      {t.name}
                    </Badge>
                  ))}
                  {grantedTools.length === 0 ? (
                    <span className="text-muted-foreground">Not recorded (minted before tool grants): none</span>
                  ) : null}
                </span>
              </Fact>
              <Fact label="Scopes">
                <span className="flex flex-wrap gap-1">
                  <RiskBadge risk={s.risk as "read"} />
                  {s.scopes.map((x) => (
                    <Badge key={x} variant="outline" className="font-mono font-normal">
                      {x}
                    </Badge>
                  ))}
                </span>
              </Fact>
              <Fact label="Grant">{s.grantType}</Fact>
              <Fact label="Started">{iso(s.createdAt)}</Fact>
              <Fact label="Last used">{iso(s.lastUsedAt)}</Fact>
              <Fact label="Expires">{iso(s.expiresAt)}</Fact>
              <Fact label="Re-auth due">{iso(s.reauthDueAt)}</Fact>
              <Fact label="Tokens / tool calls">
                {s.tokenCount} / {s.toolCallCount}
              </Fact>
              {s.revokedAt ? (
                <Fact label="Revoked">
                  {iso(s.revokedAt)} — {s.revokedReason}
                </Fact>
              ) : null}
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Who authorized what</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-2 text-sm" data-testid="session-authorizations">
              {authorizations.map((e) => (
                <li key={e.id} className="flex flex-wrap gap-2">
                  <DateTime iso={e.occurredAt.toISOString()} />
                  <span className="font-medium">{e.action}</span>
                  <span>by {e.actorLabel ?? "—"}</span>
                  {/* Reasons often quote a name themselves ("Access review “Q3”: revoked"): not wrapped in quotes again. */}
                  {e.reason ? <span className="text-muted-foreground">— {e.reason}</span> : null}
                </li>
              ))}
              {authorizations.length === 0 ? (
                <li className="text-muted-foreground">No mint or revocation events recorded.</li>
              ) : null}
            </ul>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>
            Blast radius: what this agent{s.user ? ` acting for ${s.user.displayName}` : ""} can reach now (
            {blastRadius.length} tools)
          </CardTitle>
        </CardHeader>
        <CardContent>
          <Table aria-label="Blast radius">
            <TableHeader>
              <TableRow>
                <TableHead>Server</TableHead>
                <TableHead>Tool</TableHead>
                <TableHead>Scope</TableHead>
                <TableHead>Risk</TableHead>
                <TableHead>Granted by</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {blastRadius.map((t) => (
                <TableRow key={t.toolId}>
                  <TableCell>{t.serverName}</TableCell>
                  <TableCell className="font-mono">{t.toolName}</TableCell>
                  <TableCell className="font-mono">{t.scope}</TableCell>
                  <TableCell>
                    <RiskBadge risk={t.risk} />
                  </TableCell>
                  <TableCell>{t.via.map((v) => `${v.entitlementName} (${v.principalType})`).join(", ")}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      {/* Side by side only where both tables fit: at 1,280 px they stack rather than overflow. */}
      <div className="grid gap-4 2xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Tokens ({tokens.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <Table aria-label="Tokens">
              <TableHeader>
                <TableRow>
                  <TableHead>Kind</TableHead>
                  <TableHead>Issued</TableHead>
                  <TableHead>Expires</TableHead>
                  <TableHead>Revoked</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {tokens.map((t) => (
                  <TableRow key={t.id}>
                    <TableCell title={t.jti}>{t.kind}</TableCell>
                    <TableCell>{iso(t.issuedAt)}</TableCell>
                    <TableCell>{iso(t.expiresAt)}</TableCell>
                    <TableCell>{iso(t.revokedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Tool calls (latest {toolCalls.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <Table aria-label="Tool calls">
              <TableHeader>
                <TableRow>
                  <TableHead>When</TableHead>
                  <TableHead>Tool</TableHead>
                  <TableHead>Decision</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {toolCalls.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell>{iso(c.occurredAt)}</TableCell>
                    <TableCell className="font-mono">{c.targetLabel}</TableCell>
                    <TableCell>
                      {c.decision}
                      {c.reason ? ` — ${c.reason}` : ""}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
