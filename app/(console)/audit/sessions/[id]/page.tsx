import type { Metadata } from "next";
import Link from "next/link";
import { Ban, CircleCheck, Info, KeyRound, Wrench } from "lucide-react";
import type { ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { DateTime } from "@/components/console/date-time";
import type { AuditEventRecord } from "@/lib/audit/event-query";
import { loadSessionTrace } from "@/lib/audit/session-trace";
import { getDb } from "@/lib/db/client";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Session trace" };
export const dynamic = "force-dynamic";

const decisionVariant = { allow: "success", deny: "danger", info: "neutral" } as const;

function iconOf(e: AuditEventRecord) {
  if (e.decision === "deny") return <Ban className="size-4 text-destructive" aria-hidden />;
  if (e.action.startsWith("token.")) return <KeyRound className="size-4 text-primary" aria-hidden />;
  if (e.action.startsWith("tool.")) return <Wrench className="size-4 text-muted-foreground" aria-hidden />;
  if (e.action.startsWith("session.")) return <Info className="size-4 text-warning" aria-hidden />;
  return <CircleCheck className="size-4 text-muted-foreground" aria-hidden />;
}

/** What a step did, in one line: the tool called, the scopes minted, the revocation's reason. */
function summaryOf(e: AuditEventRecord): ReactNode {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  if (e.action === "token.minted")
    return (
      <>
        issued {String(d.kind ?? "token")} for <span className="font-mono">{String(d.scope ?? "")}</span>
      </>
    );
  if (e.action.startsWith("tool."))
    return (
      <>
        {e.targetLabel ?? e.targetId}
        {e.reason ? <> — {e.reason}</> : null}
      </>
    );
  return e.reason ?? e.targetLabel ?? null;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export default async function SessionTracePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("audit.view");
  const { id } = await params;
  const trace = await loadSessionTrace(getDb(), id);
  const s = trace.session;
  return (
    <>
      <PageHeader
        title="Session trace"
        description={
          <>
            <Link href="/audit" className="hover:underline">
              Audit
            </Link>{" "}
            › session{" "}
            <span className="font-mono" data-testid="trace-session-id">
              {id}
            </span>{" "}
            — from authorization through every tool call to its end.
          </>
        }
        actions={
          <Link href={`/audit?session=${encodeURIComponent(id)}`} className="text-sm text-primary hover:underline">
            Open in timeline →
          </Link>
        }
      />
      {s ? (
        <Card>
          <CardHeader>
            <CardTitle>
              {s.agentName} → {s.serverName}
            </CardTitle>
            <CardDescription>
              {s.userLabel ? `On behalf of ${s.userLabel}` : "Autonomous (no person)"} · {s.grantType}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              <Fact label="Status">
                <StatusBadge
                  variant={s.status === "active" ? "success" : s.status === "revoked" ? "danger" : "neutral"}
                >
                  {s.status}
                </StatusBadge>
              </Fact>
              <Fact label="Started">
                <DateTime iso={s.createdAt.toISOString()} />
              </Fact>
              <Fact label={s.revokedAt ? "Revoked" : "Expires"}>
                <DateTime iso={(s.revokedAt ?? s.expiresAt).toISOString()} />
                {s.revokedReason ? (
                  <span className="block text-xs text-muted-foreground">{s.revokedReason}</span>
                ) : null}
              </Fact>
              <Fact label="Scopes">
                <span className="font-mono text-xs">{s.scopes}</span>
              </Fact>
            </dl>
          </CardContent>
        </Card>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Tokens minted" value={trace.counts.mints} icon={KeyRound} testId="trace-mints" />
        <StatCard label="Tool calls" value={trace.counts.toolCalls} icon={Wrench} testId="trace-tool-calls" />
        <StatCard
          label="Refusals"
          value={trace.counts.refusals}
          icon={Ban}
          tone={trace.counts.refusals > 0 ? "attention" : "default"}
          testId="trace-refusals"
        />
      </div>
      {trace.events.length === 0 ? (
        <EmptyState
          icon={Info}
          title="No events for this session"
          description="Nothing in the audit trail carries this session id (retention may have removed it)."
        />
      ) : (
        <ol
          className="relative grid gap-0 border-l pl-6"
          aria-label="Session events in order"
          data-testid="trace-events"
        >
          {trace.events.map((e) => (
            <li key={e.id} className="relative py-2" data-testid="trace-event" data-action={e.action}>
              <span className="absolute -left-[2.05rem] top-2.5 flex size-6 items-center justify-center rounded-full border bg-card">
                {iconOf(e)}
              </span>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <Link href={`/audit/events/${e.id}`} className="hover:underline">
                  <DateTime iso={e.occurredAt.toISOString()} />
                </Link>
                <span className="font-mono text-xs">{e.action}</span>
                <StatusBadge variant={decisionVariant[e.decision]}>{e.decision}</StatusBadge>
                <span className="text-sm text-muted-foreground">{summaryOf(e)}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
      {trace.truncated ? (
        <p className="text-sm text-muted-foreground">
          Showing the first {trace.events.length.toLocaleString("en-US")} events; open the timeline for the rest.
        </p>
      ) : null}
    </>
  );
}
