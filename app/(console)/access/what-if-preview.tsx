"use client";

import { AlertTriangle, Minus, Plus } from "lucide-react";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { RiskBadge } from "@/components/console/risk-badge";
import type { IdentityChange, ProposedChange, WhatIfSummary } from "@/lib/entitlements/proposed-change";
import { previewChange } from "./actions";

type State = { status: "loading" } | { status: "error"; message: string } | { status: "done"; summary: WhatIfSummary };

const identityKind: Record<IdentityChange["identity"]["kind"], string> = {
  agent: "Agent",
  user: "Person",
  agent_for_user: "Agent for person",
};

/**
 * Shows who would gain or lose which tools if `change` were saved, before it
 * is. Embeddable in any form that proposes an assignment or an entitlement
 * change: it re-runs whenever the proposed change differs.
 */
export function WhatIfPreview({ change }: { change: ProposedChange }) {
  const key = JSON.stringify(change);
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    let current = true;
    setState({ status: "loading" });
    previewChange(JSON.parse(key) as ProposedChange).then(
      (result) => {
        if (!current) return;
        setState(
          result.ok ? { status: "done", summary: result.data } : { status: "error", message: result.error.message },
        );
      },
      () => current && setState({ status: "error", message: "The preview could not be computed. Try again." }),
    );
    return () => {
      current = false;
    };
  }, [key]);

  if (state.status === "loading") {
    return (
      <p data-testid="what-if-preview" aria-busy className="text-sm text-muted-foreground">
        Computing who would gain or lose access…
      </p>
    );
  }
  if (state.status === "error") {
    return (
      <p data-testid="what-if-preview" role="alert" className="text-sm text-destructive">
        {state.message}
      </p>
    );
  }
  const { summary } = state;
  const nothing = summary.gains.length === 0 && summary.losses.length === 0 && summary.sessionsLosingTools.length === 0;
  return (
    <div data-testid="what-if-preview" className="grid max-h-[60vh] gap-4 overflow-y-auto text-sm">
      <p data-testid="what-if-counts" className="text-muted-foreground">
        {nothing
          ? "Nobody would gain or lose any tool."
          : `${summary.counts.identitiesGaining} identities gain ${summary.counts.toolsGained} tool grants · ${summary.counts.identitiesLosing} lose ${summary.counts.toolsLost} · ${summary.counts.sessions} live sessions revoked`}
      </p>
      <ChangeList title="Would gain" icon="gain" changes={summary.gains} />
      <ChangeList title="Would lose" icon="loss" changes={summary.losses} />
      {summary.sessionsLosingTools.length > 0 ? (
        <section className="grid gap-2" aria-label="Live sessions that would be revoked">
          <h3 className="flex items-center gap-1.5 font-medium">
            <AlertTriangle className="size-4 text-warning" aria-hidden /> Live sessions that would be revoked (they lose
            a tool)
          </h3>
          <ul className="grid gap-1">
            {summary.sessionsLosingTools.map((s) => (
              <li key={s.sessionId} className="flex flex-wrap items-center gap-1.5">
                <span className="font-medium">{s.agent.name}</span>
                {s.user ? <span className="text-muted-foreground">for {s.user.displayName}</span> : null}
                <span className="text-muted-foreground">on {s.serverName}:</span>
                {s.toolsLost.map((tool) => (
                  <Badge key={tool} variant="outline" className="font-mono">
                    {tool}
                  </Badge>
                ))}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function ChangeList({ title, icon, changes }: { title: string; icon: "gain" | "loss"; changes: IdentityChange[] }) {
  if (changes.length === 0) return null;
  const Icon = icon === "gain" ? Plus : Minus;
  return (
    <section className="grid gap-2" aria-label={title}>
      <h3 className="flex items-center gap-1.5 font-medium">
        <Icon className={icon === "gain" ? "size-4 text-success" : "size-4 text-destructive"} aria-hidden /> {title}
      </h3>
      <ul className="grid gap-2">
        {changes.map((c) => (
          <li key={`${c.identity.kind}:${c.identity.label}`} className="grid gap-1">
            <span>
              <span className="font-medium">{c.identity.label}</span>{" "}
              <span className="text-xs text-muted-foreground">{identityKind[c.identity.kind]}</span>
            </span>
            <span className="flex flex-wrap gap-1">
              {c.tools.map((t) => (
                <span key={t.toolId} className="inline-flex items-center gap-1 rounded-md border px-1.5 py-0.5 text-xs">
                  {t.serverName} / {t.toolName} <RiskBadge risk={t.risk} />
                </span>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
