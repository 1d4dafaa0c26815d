import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { DomainError } from "@/lib/errors/domain-error";
import { hasIssuerRole } from "./issuer-roles";

/**
 * Rules that map a workload identity (a JWT from a trusted workload issuer:
 * a Kubernetes service account, a SPIFFE ID, a CI job, a cloud workload) to
 * an autonomous agent, for the MCP workload identity federation extension.
 * The admin writes them; jwt-bearer (lib/oauth/grants/workload-jwt.ts) uses
 * exactly one that matches, or refuses.
 */
export const workloadIdentityInputSchema = z.object({
  idpId: z.string().trim().min(1).max(64),
  agentId: z.string().trim().min(1).max(64),
  /** The workload JWT's `sub`, matched exactly. */
  subject: z.string().trim().min(1, "Enter the workload's subject (its JWT's sub)").max(500),
  /** Further claims that must hold exactly these values; a name with "/" walks into nested claims (kubernetes.io/namespace). */
  claims: z
    .record(z.string().trim().min(1).max(200), z.string().max(500))
    .refine((c) => Object.keys(c).length <= 10, "At most 10 required claims")
    .refine(
      (c) => !["iss", "sub", "aud", "exp", "iat", "nbf", "jti"].some((k) => k in c),
      "iss, sub, aud and the time claims are checked already",
    )
    .nullish(),
});
export type WorkloadIdentityInput = z.input<typeof workloadIdentityInputSchema>;

export interface WorkloadIdentityView {
  id: string;
  idpId: string;
  issuer: string;
  idpName: string;
  agentId: string;
  agentName: string;
  agentClientId: string;
  subject: string;
  claims: Record<string, string>;
  createdAt: Date;
}

/** A claim's value by name; a name with "/" that is not a top-level claim walks nested objects (kubernetes.io/namespace). */
export function claimValue(payload: Record<string, unknown>, name: string): unknown {
  if (name in payload) return payload[name];
  let at: unknown = payload;
  for (const part of name.split("/")) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** The first required claim the payload does not hold, or null when it holds them all. Only scalar values compare. */
export function unmetClaim(payload: Record<string, unknown>, required: Record<string, string>): string | null {
  for (const [name, want] of Object.entries(required)) {
    const got = claimValue(payload, name);
    const scalar = typeof got === "string" || typeof got === "number" || typeof got === "boolean";
    if (!scalar || String(got) !== want) return name;
  }
  return null;
}

/** The stored claims as a map of strings (anything else stored is ignored rather than trusted). */
export function requiredClaimsOf(stored: unknown): Record<string, string> {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** Maps a workload identity to an autonomous agent; the audit event is written with the rule. */
export async function addWorkloadIdentity(
  db: Db,
  actor: Principal,
  raw: WorkloadIdentityInput,
  now = new Date(),
): Promise<{ id: string }> {
  return db.$transaction((tx) => addWorkloadIdentityIn(tx, actor, raw, now));
}

/** addWorkloadIdentity inside the caller's transaction: the policy importer applies a whole file in one. */
export async function addWorkloadIdentityIn(
  tx: Tx,
  actor: Principal,
  raw: WorkloadIdentityInput,
  now = new Date(),
): Promise<{ id: string }> {
  const input = workloadIdentityInputSchema.parse(raw);
  const claims = input.claims && Object.keys(input.claims).length ? input.claims : null;
  const idp = await tx.trustedIdp.findUnique({
    where: { id: input.idpId },
    select: { id: true, name: true, issuer: true, roles: true },
  });
  if (!idp) throw new DomainError("not_found", "No such identity provider");
  if (!hasIssuerRole(idp.roles, "workload_issuer"))
    throw new DomainError(
      "invalid",
      "This identity provider is not a workload issuer: give it that role first",
      "idpId",
    );
  const agent = await tx.agent.findUnique({
    where: { id: input.agentId },
    select: { id: true, name: true, kind: true, status: true },
  });
  if (!agent) throw new DomainError("invalid", "No such agent", "agentId");
  if (agent.kind !== "autonomous")
    throw new DomainError("invalid", "Only autonomous agents act on a workload identity", "agentId");
  if (agent.status === "retired") throw new DomainError("invalid", "This agent is retired", "agentId");
  // The same rule twice would make every matching JWT ambiguous: refuse it here rather than at the token endpoint.
  const same = await tx.agentWorkloadIdentity.findMany({
    where: { idpId: idp.id, subject: input.subject, agentId: agent.id },
    select: { claims: true },
  });
  if (same.some((r) => JSON.stringify(requiredClaimsOf(r.claims)) === JSON.stringify(claims ?? {}))) {
    throw new DomainError("conflict", "This agent already has this workload identity", "subject");
  }
  const row = await tx.agentWorkloadIdentity.create({
    data: {
      idpId: idp.id,
      agentId: agent.id,
      subject: input.subject,
      claims: (claims as Prisma.InputJsonObject | null) ?? undefined,
      createdAt: now,
    },
  });
  await recordAudit(tx, {
    action: "trusted_issuer.workload_identity_added",
    ...actorOf(actor),
    targetType: "agent",
    targetId: agent.id,
    targetLabel: agent.name,
    decision: "allow",
    reason: `Workload JWTs from ${idp.name} with sub ${input.subject}${claims ? " and the required claims" : ""} act as this agent`,
    occurredAt: now,
    detail: { ruleId: row.id, idpId: idp.id, issuer: idp.issuer, subject: input.subject, claims },
  });
  return { id: row.id };
}

export async function removeWorkloadIdentity(db: Db, actor: Principal, id: string, now = new Date()): Promise<void> {
  await db.$transaction((tx) => removeWorkloadIdentityIn(tx, actor, id, now));
}

/** removeWorkloadIdentity inside the caller's transaction. */
export async function removeWorkloadIdentityIn(tx: Tx, actor: Principal, id: string, now = new Date()): Promise<void> {
  const row = await tx.agentWorkloadIdentity.findUnique({
    where: { id },
    include: { agent: { select: { name: true } }, idp: { select: { name: true, issuer: true } } },
  });
  if (!row) throw new DomainError("not_found", "No such workload identity");
  await tx.agentWorkloadIdentity.delete({ where: { id } });
  await recordAudit(tx, {
    action: "trusted_issuer.workload_identity_removed",
    ...actorOf(actor),
    targetType: "agent",
    targetId: row.agentId,
    targetLabel: row.agent.name,
    decision: "allow",
    reason: `Workload JWTs from ${row.idp.name} with sub ${row.subject} no longer act as this agent`,
    occurredAt: now,
    detail: {
      ruleId: row.id,
      idpId: row.idpId,
      issuer: row.idp.issuer,
      subject: row.subject,
      claims: requiredClaimsOf(row.claims),
    },
  });
}

/** The rules, of one issuer or one agent (or all), ordered by issuer and subject. */
export async function listWorkloadIdentities(
  db: Db,
  filter: { idpId?: string; agentId?: string } = {},
): Promise<WorkloadIdentityView[]> {
  const rows = await db.agentWorkloadIdentity.findMany({
    where: { ...(filter.idpId ? { idpId: filter.idpId } : {}), ...(filter.agentId ? { agentId: filter.agentId } : {}) },
    include: { agent: { select: { name: true, clientId: true } }, idp: { select: { name: true, issuer: true } } },
    orderBy: [{ idpId: "asc" }, { subject: "asc" }],
    take: 1000,
  });
  return rows.map((r) => ({
    id: r.id,
    idpId: r.idpId,
    issuer: r.idp.issuer,
    idpName: r.idp.name,
    agentId: r.agentId,
    agentName: r.agent.name,
    agentClientId: r.agent.clientId,
    subject: r.subject,
    claims: requiredClaimsOf(r.claims),
    createdAt: r.createdAt,
  }));
}

/**
 * Required claims written one per line as `name=value` (the console's editor):
 * blank lines are skipped; a line without "=" or with no name is refused, as is
 * a claim named twice. The map is then checked by the same schema as the API's.
 */
export const claimLinesSchema = z
  .string()
  .max(10_000)
  .transform((text, ctx) => {
    const claims: Record<string, string> = {};
    for (const [i, raw] of text.split("\n").entries()) {
      const line = raw.trim();
      if (!line) continue;
      const at = line.indexOf("=");
      const name = at > 0 ? line.slice(0, at).trim() : "";
      if (!name) {
        ctx.addIssue({ code: "custom", message: `Line ${i + 1}: write each claim as name=value` });
        return z.NEVER;
      }
      if (name in claims) {
        ctx.addIssue({ code: "custom", message: `Line ${i + 1}: the claim ${name} is named twice` });
        return z.NEVER;
      }
      claims[name] = line.slice(at + 1).trim();
    }
    return claims;
  })
  .pipe(workloadIdentityInputSchema.shape.claims.unwrap().unwrap());

/** The agents a workload identity can act as: autonomous and not retired. */
export async function listWorkloadAgentOptions(db: Db): Promise<{ id: string; name: string; clientId: string }[]> {
  return db.agent.findMany({
    where: { kind: "autonomous", status: { not: "retired" } },
    select: { id: true, name: true, clientId: true },
    orderBy: { name: "asc" },
    take: 1000,
  });
}
