import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Activity, ListChecks, ScrollText } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { AgentStandingBanner } from "@/components/console/agent-standing-banner";
import { DateTime } from "@/components/console/date-time";
import { inactiveStanding } from "@/lib/agents/agent-standing";
import { getAgent } from "@/lib/agents/get-agent";
import { GRANT_TYPE_LABELS, type GrantType } from "@/lib/agents/grant-types";
import { liveAssignmentsOf } from "@/lib/assignments/live-assignments-of";
import { can, type Principal } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { effectiveAccessOfAgent } from "@/lib/entitlements/effective-access";
import { entitlementOptions } from "@/lib/entitlements/entitlement-options";
import { activePeople } from "@/lib/people/active-people";
import { formatDuration } from "@/lib/utils/format";
import { requirePermission } from "@/app/_server/principal";
import { AssignDialog } from "../../entitlements/assignments/assign-dialog";
import { LiveAssignmentsTable } from "../../entitlements/assignments/live-assignments-table";
import { AgentLifecycle } from "./agent-lifecycle";
import { EditAgentDialog } from "./edit-agent-dialog";
import { EffectiveAccessTable } from "./effective-access-table";
import { InteractiveClientCards } from "./interactive-client-cards";

export const metadata: Metadata = { title: "Agent" };
export const dynamic = "force-dynamic";

const statusVariant: Record<string, BadgeVariant> = {
  pending: "warning",
  active: "success",
  suspended: "warning",
  retired: "neutral",
};
const authLabel = {
  private_key_jwt: "Private key JWT",
  client_secret_basic: "Client secret (Basic)",
  client_secret_post: "Client secret (POST)",
  none: "Public client (PKCE)",
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2.5 sm:grid-cols-[11rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

/** Where the rest of this agent's record lives, each filtered to it by id: its audit trail, sessions and scope review. */
function AgentRecordLinks({ agentId, principal }: { agentId: string; principal: Principal }) {
  const id = encodeURIComponent(agentId);
  const links = [
    can(principal, "audit.view")
      ? { href: `/audit?agent=${id}`, label: "Audit trail", testId: "agent-audit-link", Icon: ScrollText }
      : null,
    can(principal, "sessions.view")
      ? { href: `/sessions?agentId=${id}`, label: "Sessions", testId: "agent-sessions-link", Icon: Activity }
      : null,
    can(principal, "scope_review.view")
      ? {
          href: `/access/scope-review/${id}`,
          label: "Scope review",
          testId: "agent-scope-review-link",
          Icon: ListChecks,
        }
      : null,
  ].filter((l) => l !== null);
  if (links.length === 0) return null;
  return (
    <nav aria-label="This agent's records" className="flex flex-wrap gap-2">
      {links.map(({ href, label, testId, Icon }) => (
        <Button key={href} variant="outline" size="sm" asChild>
          <Link href={href} data-testid={testId}>
            <Icon aria-hidden />
            {label}
          </Link>
        </Button>
      ))}
    </nav>
  );
}

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePermission("inventory.view");
  const { id } = await params;
  const db = getDb();
  const agent = await getAgent(db, id);
  if (!agent) notFound();
  const now = new Date();
  const [assignments, access, standing] = await Promise.all([
    liveAssignmentsOf(db, { agentId: id }, now),
    effectiveAccessOfAgent(db, id, now),
    inactiveStanding(db, id),
  ]);
  const canAssign = can(principal, "assignments.manage") && agent.status !== "retired";
  const canEdit = can(principal, "agents.manage") && agent.status !== "retired";
  const [entitlements, people] = await Promise.all([
    canAssign ? entitlementOptions(db) : [],
    canEdit ? activePeople(db) : [],
  ]);

  return (
    <>
      <PageHeader
        title={agent.name}
        description={<span className="font-mono">{agent.clientId}</span>}
        actions={
          can(principal, "agents.manage") ? (
            <>
              {canEdit ? (
                <EditAgentDialog
                  agent={{
                    id: agent.id,
                    kind: agent.kind,
                    ownerId: agent.owner?.id ?? null,
                    purpose: agent.purpose,
                    allowedGrantTypes: agent.allowedGrantTypes,
                    maxTokenLifetimeSeconds: agent.maxTokenLifetimeSeconds,
                  }}
                  people={people}
                />
              ) : null}
              <AgentLifecycle
                agent={{
                  id: agent.id,
                  name: agent.name,
                  clientId: agent.clientId,
                  status: agent.status,
                  usesSecret: agent.authMethod !== "private_key_jwt",
                }}
              />
            </>
          ) : undefined
        }
      />
      {standing ? (
        <AgentStandingBanner standing={standing} agentName={agent.name} heldTools={access.tools.length} />
      ) : null}
      <AgentRecordLinks agentId={agent.id} principal={principal} />
      {agent.interactive ? (
        <InteractiveClientCards agentId={agent.id} status={agent.status} client={agent.interactive} />
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Profile</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              <Fact label="Status">
                <span data-testid="agent-status">
                  <StatusBadge variant={statusVariant[agent.status] ?? "neutral"}>{agent.status}</StatusBadge>
                </span>
                {agent.suspendedAt ? (
                  <span className="ml-2 text-muted-foreground">
                    since <DateTime iso={agent.suspendedAt.toISOString()} />
                  </span>
                ) : null}
                {agent.retiredAt ? (
                  <span className="ml-2 text-muted-foreground">
                    on <DateTime iso={agent.retiredAt.toISOString()} />
                  </span>
                ) : null}
              </Fact>
              <Fact label="Kind">
                {agent.kind === "autonomous"
                  ? "Autonomous"
                  : agent.kind === "interactive"
                    ? "Interactive client (a person signs in)"
                    : "Delegated (on behalf of a user)"}
              </Fact>
              <Fact label="Owner">
                {agent.owner ? (
                  <>
                    {agent.owner.displayName} <span className="text-muted-foreground">({agent.owner.email})</span>
                    {!agent.owner.active ? <span className="ml-2 text-destructive">deactivated</span> : null}
                  </>
                ) : (
                  <span className="italic text-muted-foreground">No owner</span>
                )}
              </Fact>
              <Fact label="Purpose">{agent.purpose ?? <span className="text-muted-foreground">—</span>}</Fact>
              <Fact label="Registered">
                <DateTime iso={agent.createdAt.toISOString()} />
              </Fact>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Credentials</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              <Fact label="Authentication">{authLabel[agent.authMethod]}</Fact>
              {agent.authMethod === "private_key_jwt" ? (
                agent.credentials.jwksUri ? (
                  <Fact label="JWKS URL">
                    <span className="font-mono text-xs">{agent.credentials.jwksUri}</span>
                  </Fact>
                ) : (
                  <Fact label="Uploaded keys">
                    {agent.credentials.uploadedKeys.map((k) => (
                      <span key={k.kid} className="mr-3 font-mono text-xs">
                        {k.kid} ({k.alg})
                      </span>
                    ))}
                  </Fact>
                )
              ) : (
                <Fact label="Client secret">
                  {agent.credentials.hasClientSecret ? "Set (stored as a hash)" : "None"}
                </Fact>
              )}
              <Fact label="Credential held by">
                <span data-testid="credential-holder">
                  {agent.credentialHolder ? (
                    <>
                      {agent.credentialHolder.displayName}{" "}
                      <span className="text-muted-foreground">({agent.credentialHolder.email})</span>
                    </>
                  ) : (
                    <span className="text-muted-foreground">No person recorded</span>
                  )}
                </span>
                {agent.credentialIssuedAt ? (
                  <span className="ml-2 text-muted-foreground">
                    since <DateTime iso={agent.credentialIssuedAt.toISOString()} />
                  </span>
                ) : null}
                <p className="mt-1 text-xs text-muted-foreground">
                  Shown its secret or chose its keys. Like the owner, they may not grant it access; whoever granted it
                  may not rotate its secret.
                </p>
              </Fact>
              <Fact label="Grant types">
                {agent.allowedGrantTypes.map((g) => GRANT_TYPE_LABELS[g as GrantType] ?? g).join(", ")}
              </Fact>
              <Fact label="Max token lifetime">{formatDuration(agent.maxTokenLifetimeSeconds)}</Fact>
            </dl>
          </CardContent>
        </Card>
      </div>
      <section className="grid gap-3" aria-labelledby="assignments-heading">
        <div className="flex items-center justify-between gap-2">
          <h2 id="assignments-heading" className="text-lg font-semibold">
            Assignments
          </h2>
          {canAssign ? (
            <AssignDialog
              triggerLabel="Assign entitlement"
              principal={{ type: "agent", id: agent.id, label: agent.name }}
              entitlements={entitlements}
            />
          ) : null}
        </div>
        <LiveAssignmentsTable rows={assignments} show="entitlement" canEnd={can(principal, "assignments.manage")} />
      </section>
      <section className="grid gap-3" aria-labelledby="access-heading">
        <h2 id="access-heading" className="text-lg font-semibold">
          Effective access
        </h2>
        <p className="text-sm text-muted-foreground" data-testid="effective-access-summary">
          {standing
            ? `Reaches nothing while ${standing.status}; the grants below would give ${access.tools.length} tool${access.tools.length === 1 ? "" : "s"}.`
            : `What this agent reaches on its own now${agent.kind === "delegated" ? "; acting for a person it reaches only what both reach" : ""}.`}{" "}
          Times in UTC.
        </p>
        <EffectiveAccessTable tools={access.tools} />
      </section>
    </>
  );
}
