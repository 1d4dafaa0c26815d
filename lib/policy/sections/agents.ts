import { reactivateAgentIn } from "@/lib/agents/reactivate-agent";
import { registerAgentIn } from "@/lib/agents/register-agent";
import { retireAgentIn } from "@/lib/agents/retire-agent";
import { suspendAgentIn } from "@/lib/agents/suspend-agent";
import { updateAgentIn } from "@/lib/agents/update-agent";
import { DomainError } from "@/lib/errors/domain-error";
import { AGENT_FIELDS, type FileAgent } from "../validate-entries";
import { diff, POLICY_REASON, type SectionContext, same } from "./context";
import { agentIdOf, ownerIdOf, personIdOf } from "./lookups";

const AGENT_FIXED = ["kind", "authMethod", "jwksUri", "jwks"] as const;
const AGENT_DIFF = ["owner", "purpose", "grantTypes", "maxTokenLifetimeSeconds"] as const;

function planStatus({ steps }: SectionContext, a: FileAgent, from: string): void {
  const to = a.status;
  if (from === to) return;
  steps.push({
    path: [...a.path, "status"],
    fields: AGENT_FIELDS,
    run: async ({ tx, principal, now }) => {
      const id = await agentIdOf(tx, a.name);
      if (to === "retired") await retireAgentIn(tx, principal, id, "Retired by policy file", now);
      else if (to === "suspended") await suspendAgentIn(tx, principal, id, now);
      else await reactivateAgentIn(tx, principal, id, now);
    },
  });
}

/** The file's agents. An agent's kind and keys are fixed, and retirement is final: changing either is an issue. */
export function planAgents(ctx: SectionContext): void {
  const { entries, model, change, refuse, steps } = ctx;
  for (const a of entries.agents) {
    const current = model.agents.find((c) => c.name === a.name);
    if (!current) {
      change("create", "agent", a.name, a.path, [], a.status === "active" ? undefined : `registered, then ${a.status}`);
      steps.push({
        path: a.path,
        fields: AGENT_FIELDS,
        run: async (step) => {
          if (!a.owner)
            throw new DomainError(
              "invalid",
              "A new agent needs an owner: the email of the person accountable for it",
              "ownerId",
            );
          const ownerId = await personIdOf(step.tx, a.owner, "ownerId");
          const created = await registerAgentIn(
            step.tx,
            step.principal,
            {
              name: a.name,
              ownerId,
              purpose: a.purpose ?? "",
              kind: a.kind as "autonomous",
              authMethod: a.authMethod as "private_key_jwt",
              jwksUri: a.jwksUri ?? undefined,
              jwks: a.jwks ?? undefined,
              allowedGrantTypes: a.grantTypes as never,
              maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds,
            },
            step.now,
          );
          if (created.clientSecret && a.status !== "retired")
            step.credentials.push({ agent: a.name, clientId: created.clientId, clientSecret: created.clientSecret });
        },
      });
      planStatus(ctx, a, "active");
      continue;
    }
    for (const key of AGENT_FIXED) {
      if (!same(current[key] ?? null, a[key] ?? null))
        refuse([...a.path, key], `An agent's ${key} is fixed at registration; register a new agent instead`);
    }
    if (current.status === "retired" && a.status !== "retired") {
      refuse([...a.path, "status"], "This agent is retired; retirement is final (register a new agent)");
      continue;
    }
    const fields = diff(current, a, AGENT_DIFF);
    if (fields.length > 0 && current.status === "retired") {
      refuse(a.path, "This agent is retired; it can no longer change");
      continue;
    }
    const statusChange =
      current.status !== a.status ? [{ field: "status", before: current.status, after: a.status }] : [];
    if (fields.length + statusChange.length > 0)
      change("update", "agent", a.name, a.path, [...fields, ...statusChange]);
    if (fields.length > 0) {
      steps.push({
        path: a.path,
        fields: AGENT_FIELDS,
        run: async ({ tx, principal, now }) => {
          const changed = new Set(fields.map((f) => f.field));
          await updateAgentIn(
            tx,
            principal,
            {
              agentId: current.id,
              ...(changed.has("owner") ? { ownerId: await ownerIdOf(tx, a.owner) } : {}),
              ...(changed.has("purpose") ? { purpose: a.purpose ?? "" } : {}),
              ...(changed.has("grantTypes") ? { allowedGrantTypes: a.grantTypes as never } : {}),
              ...(changed.has("maxTokenLifetimeSeconds") ? { maxTokenLifetimeSeconds: a.maxTokenLifetimeSeconds } : {}),
            },
            now,
          );
        },
      });
    }
    planStatus(ctx, a, current.status);
  }
}

/** Live agents the file does not list: kept, or retired under prune. */
export function pruneAgents({ entries, model, prune, change, steps, kept }: SectionContext): void {
  for (const a of model.agents) {
    if (entries.agents.some((f) => f.name === a.name) || a.status === "retired") continue;
    if (!prune) {
      kept.push({ kind: "agent", label: a.name });
      continue;
    }
    change("remove", "agent", a.name, null, [], "retired");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => void (await retireAgentIn(tx, principal, a.id, POLICY_REASON, now)),
    });
  }
}
