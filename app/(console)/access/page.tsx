import { Network } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { AgentStandingBanner } from "@/components/console/agent-standing-banner";
import { inactiveStanding } from "@/lib/agents/agent-standing";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import {
  findAgent,
  findPerson,
  searchAgents,
  searchPeople,
  type AgentChoice,
  type PersonChoice,
} from "@/lib/access/find-principals";
import { principalLabels } from "@/lib/access/principal-labels";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import {
  effectiveAccessOfAgent,
  effectiveAccessOfUser,
  effectiveAccessOnBehalfOf,
} from "@/lib/entitlements/effective-access";
import { toAccessRows } from "./access-row";
import { EffectiveAccessTable } from "./effective-access-table";
import { PrincipalPicker, type AccessParams, type PickerChoice } from "./principal-picker";
import { requirePermission } from "@/app/_server/principal";

export const metadata: Metadata = { title: "Access" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

function param(sp: SearchParams, name: string): string | undefined {
  const v = Array.isArray(sp[name]) ? sp[name][0] : sp[name];
  const trimmed = typeof v === "string" ? v.trim().slice(0, 200) : "";
  return trimmed || undefined;
}

const agentChoice = (a: AgentChoice): PickerChoice => ({
  id: a.id,
  label: a.name,
  detail: `${a.kind} · ${a.status} · ${a.clientId}`,
});
const personChoice = (p: PersonChoice): PickerChoice => ({
  id: p.id,
  label: p.displayName,
  detail: [p.email, p.department].filter(Boolean).join(" · "),
});

export default async function AccessPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requirePermission("inventory.view");
  const sp = await searchParams;
  const current: AccessParams = {
    agent: param(sp, "agent"),
    user: param(sp, "user"),
    agentQ: param(sp, "agentQ"),
    userQ: param(sp, "userQ"),
  };
  const db = getDb();
  const [agent, person] = await Promise.all([
    current.agent ? findAgent(db, current.agent) : null,
    current.user ? findPerson(db, current.user) : null,
  ]);
  const [agentMatches, personMatches] = await Promise.all([
    !agent && current.agentQ ? searchAgents(db, current.agentQ) : [],
    !person && current.userQ ? searchPeople(db, current.userQ) : [],
  ]);
  // A stale id in a link counts as "not chosen" rather than an error page.
  const shown: AccessParams = { ...current, agent: agent?.id, user: person?.id };

  const now = new Date();
  const access =
    agent && person
      ? await effectiveAccessOnBehalfOf(db, agent.id, person.id, now)
      : agent
        ? await effectiveAccessOfAgent(db, agent.id, now)
        : person
          ? await effectiveAccessOfUser(db, person.id, now)
          : null;
  const standing = agent ? await inactiveStanding(db, agent.id) : null;
  const rows = access
    ? toAccessRows(
        access,
        await principalLabels(
          db,
          access.tools.flatMap((t) => t.via),
        ),
      )
    : [];

  const subject =
    agent && person ? `${agent.name} acting for ${person.displayName}` : (agent?.name ?? person?.displayName);
  const rule =
    agent && person
      ? "An agent acting for a person reaches only what both reach, until the earlier of the two end dates."
      : agent
        ? "What the agent reaches on its own, through its assignments."
        : "What the person reaches, directly and through their groups.";

  return (
    <>
      <PageHeader
        title="Access"
        description="The blast radius of an identity: every MCP server and tool it can reach right now, and through which assignment."
        actions={
          can(principal, "scope_review.view") ? (
            <Button variant="outline" asChild>
              <Link href="/access/scope-review">Scope review</Link>
            </Button>
          ) : null
        }
      />
      <div className="grid gap-4 md:grid-cols-2">
        <PrincipalPicker
          title="Agent"
          param="agent"
          searchParam="agentQ"
          placeholder="Agent name or client ID…"
          selected={agent ? agentChoice(agent) : null}
          query={current.agentQ ?? ""}
          results={agentMatches.map(agentChoice)}
          current={shown}
        />
        <PrincipalPicker
          title="Person"
          param="user"
          searchParam="userQ"
          placeholder="Name or email…"
          selected={person ? personChoice(person) : null}
          query={current.userQ ?? ""}
          results={personMatches.map(personChoice)}
          current={shown}
        />
      </div>
      {subject ? (
        <section aria-label={`Access of ${subject}`} className="grid gap-4">
          <div className="grid gap-1">
            <h2 className="text-lg font-semibold" data-testid="access-subject">
              {subject}
            </h2>
            <p className="text-sm text-muted-foreground">{rule} Dates are UTC.</p>
          </div>
          {standing && agent ? (
            <AgentStandingBanner standing={standing} agentName={agent.name} heldTools={access?.tools.length ?? 0} />
          ) : null}
          <EffectiveAccessTable
            rows={rows}
            allowSimulation={can(principal, "assignments.manage")}
            emptyTitle="Nothing reachable"
            emptyDescription={
              agent && person
                ? `${agent.name} and ${person.displayName} have no approved tool in common: acting for this person, the agent can call nothing.`
                : `${subject} holds no live assignment that reaches an approved tool.`
            }
          />
        </section>
      ) : (
        <EmptyState
          icon={Network}
          title="Choose an identity"
          description="Pick an agent, a person, or both to see what an agent can reach when it acts on that person's behalf."
        />
      )}
    </>
  );
}
