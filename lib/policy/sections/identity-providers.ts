import type { IssuerAlgorithm, IssuerRole } from "@/lib/federation/issuer-roles";
import { addTrustedIssuerIn, removeTrustedIssuerIn, updateTrustedIssuerIn } from "@/lib/federation/trusted-issuers";
import { addWorkloadIdentityIn, removeWorkloadIdentityIn } from "@/lib/federation/workload-identities";
import { DomainError } from "@/lib/errors/domain-error";
import { workloadRuleKey } from "../current-model";
import { IDENTITY_PROVIDER_FIELDS, WORKLOAD_IDENTITY_FIELDS } from "../validate-entries";
import { diff, type SectionContext } from "./context";
import { agentIdOf } from "./lookups";

const IDP_DIFF = ["issuer", "roles", "jwksUri", "jwks", "algorithms", "userMatch", "enabled"] as const;

const ruleLabel = (idp: string, r: { subject: string; claims: Record<string, string>; agent: string }) => {
  const claims = Object.entries(r.claims).map(([k, v]) => `${k}=${v}`);
  return `${idp}: sub ${r.subject}${claims.length > 0 ? ` [${claims.join(", ")}]` : ""} → ${r.agent}`;
};

/**
 * The file's trusted identity providers and their workload rules. Runs after
 * the agents: a rule names one.
 */
export function planIdentityProviders({ entries, model, change, steps, endings }: SectionContext): void {
  for (const p of entries.identityProviders) {
    const current = model.identityProviders.find((c) => c.name === p.name);
    const input = {
      name: p.name,
      issuer: p.issuer,
      roles: p.roles as IssuerRole[],
      algorithms: p.algorithms as IssuerAlgorithm[],
      userMatch: p.userMatch as "sub",
      enabled: p.enabled,
      ...(p.jwks
        ? { keySource: "jwks" as const, jwks: p.jwks }
        : { keySource: "jwks_uri" as const, jwksUri: p.jwksUri }),
    };
    if (!current) {
      change(
        "create",
        "identity_provider",
        p.name,
        p.path,
        [],
        p.discover ? `keys from ${p.jwksUri ?? "discovery"}` : undefined,
      );
      steps.push({
        path: p.path,
        fields: IDENTITY_PROVIDER_FIELDS,
        run: async ({ tx, principal, now }) => void (await addTrustedIssuerIn(tx, principal, input, now)),
      });
    } else {
      const fields = diff(current, p, IDP_DIFF);
      if (fields.length > 0) {
        change("update", "identity_provider", p.name, p.path, fields);
        steps.push({
          path: p.path,
          fields: IDENTITY_PROVIDER_FIELDS,
          run: async ({ tx, principal, now }) => updateTrustedIssuerIn(tx, principal, current.id, input, now),
        });
      }
      // A listed issuer's rules are exactly the file's: each lets a workload act as an agent, as an assignment grants access.
      for (const r of current.workloadIdentities) {
        if (p.workloadIdentities.some((w) => workloadRuleKey(w) === workloadRuleKey(r))) continue;
        change("remove", "workload_identity", ruleLabel(p.name, r), null, [], "removed");
        endings.push({
          path: [],
          fields: {},
          run: async ({ tx, principal, now }) => removeWorkloadIdentityIn(tx, principal, r.id, now),
        });
      }
    }
    for (const w of p.workloadIdentities) {
      if (current?.workloadIdentities.some((r) => workloadRuleKey(r) === workloadRuleKey(w))) continue;
      change("create", "workload_identity", ruleLabel(p.name, w), w.path);
      steps.push({
        path: w.path,
        fields: WORKLOAD_IDENTITY_FIELDS,
        run: async ({ tx, principal, now }) => {
          const idp = await tx.trustedIdp.findUnique({ where: { name: p.name }, select: { id: true } });
          if (!idp) throw new DomainError("not_found", `No identity provider named “${p.name}”`);
          const agentId = await agentIdOf(tx, w.agent);
          await addWorkloadIdentityIn(
            tx,
            principal,
            { idpId: idp.id, agentId, subject: w.subject, claims: w.claims },
            now,
          );
        },
      });
    }
  }
}

/** Identity providers the file does not list: kept, or no longer trusted (with their rules) under prune. */
export function pruneIdentityProviders({ entries, model, prune, change, steps, kept }: SectionContext): void {
  for (const p of model.identityProviders) {
    if (entries.identityProviders.some((f) => f.name === p.name)) continue;
    if (!prune) {
      kept.push({ kind: "identity_provider", label: p.name });
      continue;
    }
    change(
      "remove",
      "identity_provider",
      p.name,
      null,
      [],
      p.workloadIdentities.length > 0 ? "no longer trusted; its workload rules removed" : "no longer trusted",
    );
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => {
        // Each rule goes with its own audit event, so the trail says which workloads stopped acting as which agent.
        for (const r of p.workloadIdentities) await removeWorkloadIdentityIn(tx, principal, r.id, now);
        await removeTrustedIssuerIn(tx, principal, p.id, now);
      },
    });
  }
}
