import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { DateTime } from "@/components/console/date-time";
import { findAuditEvent } from "@/lib/audit/event-query";
import { getDb } from "@/lib/db/client";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Audit event" };
export const dynamic = "force-dynamic";

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="grid gap-1 py-2.5 sm:grid-cols-[11rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="break-all text-sm" data-testid={testId}>
        {children ?? <span className="text-muted-foreground">—</span>}
      </dd>
    </div>
  );
}

function FilterLink({ param, value, children }: { param: string; value: string | null; children?: ReactNode }) {
  if (!value) return null;
  return (
    <Link
      href={`/audit?${new URLSearchParams({ [param]: value })}`}
      className="text-primary underline underline-offset-2"
      title={`Show events with this ${param}`}
    >
      {children ?? value}
    </Link>
  );
}

const decisionVariant = { allow: "success", deny: "danger", info: "neutral" } as const;

export default async function AuditEventPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("audit.view");
  const { id } = await params;
  const e = await findAuditEvent(getDb(), id);
  if (!e) notFound();
  return (
    <>
      <PageHeader
        title={e.action}
        description={
          <>
            <Link href="/audit" className="hover:underline">
              Audit
            </Link>{" "}
            › event <span className="font-mono">{e.id}</span>
          </>
        }
        actions={
          e.sessionId ? (
            <Link
              href={`/audit/sessions/${e.sessionId}`}
              className="text-sm text-primary hover:underline"
              data-testid="audit-event-trace"
            >
              Trace this session →
            </Link>
          ) : null
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>What happened</CardTitle>
            <CardDescription>Who did what to what, and the decision.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="divide-y" data-testid="audit-event-detail">
              <Field label="Time (UTC)">
                <DateTime iso={e.occurredAt.toISOString()} />{" "}
                <span className="font-mono text-xs text-muted-foreground">{e.occurredAt.toISOString()}</span>
              </Field>
              <Field label="Action" testId="audit-event-action">
                <FilterLink param="action" value={e.action} />
              </Field>
              <Field label="Decision">
                <StatusBadge variant={decisionVariant[e.decision]}>{e.decision}</StatusBadge>
              </Field>
              <Field label="Reason">{e.reason}</Field>
              <Field label={`Actor (${e.actorType})`}>
                <FilterLink param="actor" value={e.actorId ?? e.actorLabel}>
                  {e.actorLabel ?? e.actorId}
                </FilterLink>
                {e.actorLabel && e.actorId ? (
                  <span className="ml-2 font-mono text-xs text-muted-foreground">{e.actorId}</span>
                ) : null}
              </Field>
              <Field label="On behalf of">
                {e.onBehalfOfId ? <FilterLink param="actor" value={e.onBehalfOfId} /> : null}
              </Field>
              <Field label={`Target${e.targetType ? ` (${e.targetType})` : ""}`}>
                <FilterLink param="target" value={e.targetId ?? e.targetLabel}>
                  {e.targetLabel ?? e.targetId}
                </FilterLink>
                {e.targetLabel && e.targetId ? (
                  <span className="ml-2 font-mono text-xs text-muted-foreground">{e.targetId}</span>
                ) : null}
              </Field>
              <Field label="Session">
                {e.sessionId ? (
                  <Link href={`/audit/sessions/${e.sessionId}`} className="font-mono text-primary hover:underline">
                    {e.sessionId}
                  </Link>
                ) : null}
              </Field>
              <Field label="Request id">{e.requestId ? <FilterLink param="q" value={e.requestId} /> : null}</Field>
              <Field label="Client address">
                {e.clientAddress ? <FilterLink param="q" value={e.clientAddress} /> : null}
              </Field>
            </dl>
          </CardContent>
        </Card>
        <div className="grid content-start gap-4">
          <Card>
            <CardHeader>
              <CardTitle>Detail</CardTitle>
              <CardDescription>Structured detail recorded with the event (before/after for changes).</CardDescription>
            </CardHeader>
            <CardContent>
              {e.detail === null ? (
                <p className="text-sm text-muted-foreground">No detail.</p>
              ) : (
                <pre
                  className="max-h-96 overflow-auto rounded-md bg-muted p-3 font-mono text-xs"
                  data-testid="audit-event-json"
                >
                  {JSON.stringify(e.detail, null, 2)}
                </pre>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Chain</CardTitle>
              <CardDescription>
                This event&apos;s place in its hash chain: editing it, or removing or reordering its neighbours, breaks
                the link.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <dl className="divide-y">
                <Field label="Stream · sequence">
                  <span className="font-mono">
                    {e.stream} · #{e.seq}
                  </span>
                </Field>
                <Field label="Previous hash">
                  <span className="font-mono text-xs">{e.prevHash}</span>
                </Field>
                <Field label="Hash">
                  <span className="font-mono text-xs">{e.hash}</span>
                </Field>
              </dl>
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
