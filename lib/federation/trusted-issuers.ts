import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import type { Db, Tx } from "@/lib/db/client";
import { DbNull } from "@prisma/client/runtime/client";
import type { Prisma, TrustedIdp } from "@/lib/db/generated/sqlite/client";
import { DomainError } from "@/lib/errors/domain-error";
import { describeKeys, discoverJwksUri, fetchJwks, type FetchLike, type PublishedKey } from "./issuer-discovery";
import {
  DEFAULT_ISSUER_ALGORITHMS,
  ISSUER_ALGORITHMS,
  ISSUER_ROLES,
  parseIssuerAlgorithms,
  parseIssuerRoles,
  type IssuerAlgorithm,
  type IssuerRole,
} from "./issuer-roles";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** An issuer identifier as RFC 8414 §2 defines it: https (loopback http for development), no query or fragment. */
const issuerUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => URL.canParse(v), "Enter a URL such as https://idp.example.com")
  .refine((v) => {
    if (!URL.canParse(v)) return true;
    const u = new URL(v);
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
  }, "Use https (http only for localhost)")
  .refine((v) => !URL.canParse(v) || (!new URL(v).search && !new URL(v).hash), "An issuer has no query or fragment");

const jwksInput = z.union([
  z
    .string()
    .trim()
    .max(64 * 1024),
  z.record(z.string(), z.unknown()),
]);

export const trustedIssuerInputSchema = z.object({
  name: z.string().trim().min(2, "At least 2 characters").max(80),
  issuer: issuerUrl,
  roles: z.array(z.enum(ISSUER_ROLES)).min(1, "Choose at least one role").max(ISSUER_ROLES.length),
  /** discovery: OIDC / RFC 8414 metadata → jwks_uri; jwks_uri: given; jwks: a static JWK Set. */
  keySource: z.enum(["discovery", "jwks_uri", "jwks"]).default("discovery"),
  jwksUri: issuerUrl.nullish(),
  jwks: jwksInput.nullish(),
  algorithms: z
    .array(z.enum(ISSUER_ALGORITHMS))
    .min(1, "Allow at least one algorithm")
    .default([...DEFAULT_ISSUER_ALGORITHMS]),
  userMatch: z.enum(["sub", "email"]).default("sub"),
  enabled: z.boolean().default(true),
});
export type TrustedIssuerInput = z.input<typeof trustedIssuerInputSchema>;

export const agentClientInputSchema = z.object({
  idpId: z.string().trim().min(1).max(64),
  agentId: z.string().trim().min(1).max(64),
  clientId: z.string().trim().min(1, "Enter the agent's client id at the IdP").max(300),
});

export interface TrustedIssuerView {
  id: string;
  name: string;
  issuer: string;
  roles: IssuerRole[];
  keySource: "jwks_uri" | "jwks";
  jwksUri: string | null;
  /** The static set's keys; null when keys come from jwksUri. */
  staticKeys: PublishedKey[] | null;
  algorithms: IssuerAlgorithm[];
  userMatch: "sub" | "email";
  enabled: boolean;
  agentClients: { id: string; agentId: string; agentName: string; clientId: string }[];
  scimTokens: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TrustedIssuerDeps {
  fetch?: FetchLike;
  now?: Date;
}

function parseStaticJwks(value: unknown): Record<string, unknown> {
  let jwks: unknown = value;
  if (typeof value === "string") {
    try {
      jwks = JSON.parse(value) as unknown;
    } catch {
      throw new DomainError("invalid", "The JWK Set is not valid JSON", "jwks");
    }
  }
  describeKeys(jwks, "jwks");
  // Keep only the keys: a pasted document's other members are not ours to store.
  return { keys: (jwks as { keys: unknown[] }).keys };
}

/** Where the keys come from, resolved before the write (discovery fetches; nothing is stored if it fails). */
async function resolveKeys(
  input: z.output<typeof trustedIssuerInputSchema>,
  fetchFn: FetchLike,
): Promise<{ jwksUri: string | null; jwks: Record<string, unknown> | null }> {
  switch (input.keySource) {
    case "discovery":
      return { jwksUri: (await discoverJwksUri(input.issuer, fetchFn)).jwksUri, jwks: null };
    case "jwks_uri":
      if (!input.jwksUri) throw new DomainError("invalid", "Enter the JWKS URL", "jwksUri");
      return { jwksUri: input.jwksUri, jwks: null };
    case "jwks":
      if (!input.jwks) throw new DomainError("invalid", "Paste the JWK Set", "jwks");
      return { jwksUri: null, jwks: parseStaticJwks(input.jwks) };
  }
}

function snapshot(row: TrustedIdp) {
  return {
    name: row.name,
    issuer: row.issuer,
    roles: parseIssuerRoles(row.roles),
    jwksUri: row.jwksUri,
    staticKeyIds: row.jwks ? describeKeys(row.jwks).map((k) => k.kid) : null,
    algorithms: parseIssuerAlgorithms(row.algorithms),
    userMatch: row.userMatch,
    enabled: row.enabled,
  };
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";

async function requireFree(tx: Tx, input: { name: string; issuer: string }, selfId: string | null): Promise<void> {
  const byName = await tx.trustedIdp.findUnique({ where: { name: input.name }, select: { id: true } });
  if (byName && byName.id !== selfId)
    throw new DomainError("conflict", "Another identity provider has this name", "name");
  const byIssuer = await tx.trustedIdp.findUnique({ where: { issuer: input.issuer }, select: { id: true } });
  if (byIssuer && byIssuer.id !== selfId) throw new DomainError("conflict", "This issuer is already trusted", "issuer");
}

/**
 * Keys already resolved: a static set, or a JWKS URL. Discovery fetches over the network, so it runs before the
 * transaction (addTrustedIssuer does it; the policy importer resolves it before its own).
 */
function resolvedKeysOf(input: z.output<typeof trustedIssuerInputSchema>): {
  jwksUri: string | null;
  jwks: Record<string, unknown> | null;
} {
  if (input.keySource === "discovery")
    throw new DomainError(
      "invalid",
      "Discover the issuer's keys before the transaction: give jwksUri or jwks here",
      "jwksUri",
    );
  if (input.keySource === "jwks_uri") {
    if (!input.jwksUri) throw new DomainError("invalid", "Enter the JWKS URL", "jwksUri");
    return { jwksUri: input.jwksUri, jwks: null };
  }
  if (!input.jwks) throw new DomainError("invalid", "Paste the JWK Set", "jwks");
  return { jwksUri: null, jwks: parseStaticJwks(input.jwks) };
}

/** The input with its key source fixed to what resolveKeys found (discovery becomes the jwks_uri it found). */
function withResolvedKeys(
  input: z.output<typeof trustedIssuerInputSchema>,
  keys: { jwksUri: string | null; jwks: Record<string, unknown> | null },
): TrustedIssuerInput {
  return keys.jwks
    ? { ...input, keySource: "jwks", jwksUri: null, jwks: keys.jwks }
    : { ...input, keySource: "jwks_uri", jwksUri: keys.jwksUri, jwks: null };
}

/** Trusts a new issuer in the given roles; discovery (if chosen) runs first, and the audit event is written with the row. */
export async function addTrustedIssuer(
  db: Db,
  actor: Principal,
  raw: TrustedIssuerInput,
  deps: TrustedIssuerDeps = {},
): Promise<{ id: string }> {
  const input = trustedIssuerInputSchema.parse(raw);
  const keys = await resolveKeys(input, deps.fetch ?? fetch);
  const now = deps.now ?? new Date();
  try {
    return await db.$transaction((tx) => addTrustedIssuerIn(tx, actor, withResolvedKeys(input, keys), now));
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError("conflict", "This issuer or name is already trusted", "issuer");
    throw e;
  }
}

/** addTrustedIssuer inside the caller's transaction (the policy importer applies a whole file in one); keys must be resolved already. */
export async function addTrustedIssuerIn(
  tx: Tx,
  actor: Principal,
  raw: TrustedIssuerInput,
  now = new Date(),
): Promise<{ id: string }> {
  const input = trustedIssuerInputSchema.parse(raw);
  const keys = resolvedKeysOf(input);
  await requireFree(tx, input, null);
  const row = await tx.trustedIdp.create({
    data: {
      name: input.name,
      issuer: input.issuer,
      roles: input.roles.join(" "),
      jwksUri: keys.jwksUri,
      jwks: (keys.jwks as Prisma.InputJsonObject | null) ?? undefined,
      algorithms: input.algorithms.join(" "),
      userMatch: input.userMatch,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    },
  });
  await recordAudit(tx, {
    action: "trusted_issuer.added",
    ...actorOf(actor),
    targetType: "trusted_issuer",
    targetId: row.id,
    targetLabel: row.name,
    decision: "allow",
    reason: `Trusted ${input.issuer} as ${input.roles.join(", ")}`,
    occurredAt: now,
    detail: { after: snapshot(row) },
  });
  return { id: row.id };
}

/** Changes an issuer's settings; its keys are re-resolved from the chosen source. */
export async function updateTrustedIssuer(
  db: Db,
  actor: Principal,
  id: string,
  raw: TrustedIssuerInput,
  deps: TrustedIssuerDeps = {},
): Promise<void> {
  const input = trustedIssuerInputSchema.parse(raw);
  const keys = await resolveKeys(input, deps.fetch ?? fetch);
  const now = deps.now ?? new Date();
  await db.$transaction((tx) => updateTrustedIssuerIn(tx, actor, id, withResolvedKeys(input, keys), now));
}

/** updateTrustedIssuer inside the caller's transaction; keys must be resolved already. */
export async function updateTrustedIssuerIn(
  tx: Tx,
  actor: Principal,
  id: string,
  raw: TrustedIssuerInput,
  now = new Date(),
): Promise<void> {
  const input = trustedIssuerInputSchema.parse(raw);
  const keys = resolvedKeysOf(input);
  const before = await tx.trustedIdp.findUnique({ where: { id } });
  if (!before) throw new DomainError("not_found", "No such identity provider");
  await requireFree(tx, input, id);
  const after = await tx.trustedIdp.update({
    where: { id },
    data: {
      name: input.name,
      issuer: input.issuer,
      roles: input.roles.join(" "),
      jwksUri: keys.jwksUri,
      jwks: (keys.jwks as Prisma.InputJsonObject | null) ?? DbNull,
      algorithms: input.algorithms.join(" "),
      userMatch: input.userMatch,
      enabled: input.enabled,
      updatedAt: now,
    },
  });
  await recordAudit(tx, {
    action: "trusted_issuer.updated",
    ...actorOf(actor),
    targetType: "trusted_issuer",
    targetId: id,
    targetLabel: after.name,
    decision: "allow",
    reason: "Identity provider settings changed",
    occurredAt: now,
    detail: { before: snapshot(before), after: snapshot(after) },
  });
}

/** Stops trusting an issuer: its tokens are refused from the next request; its agent client ids go with it. */
export async function removeTrustedIssuer(db: Db, actor: Principal, id: string, now = new Date()): Promise<void> {
  await db.$transaction((tx) => removeTrustedIssuerIn(tx, actor, id, now));
}

/** removeTrustedIssuer inside the caller's transaction. */
export async function removeTrustedIssuerIn(tx: Tx, actor: Principal, id: string, now = new Date()): Promise<void> {
  const before = await tx.trustedIdp.findUnique({
    where: { id },
    include: { agentClients: { select: { agentId: true, clientId: true } } },
  });
  if (!before) throw new DomainError("not_found", "No such identity provider");
  await tx.trustedIdp.delete({ where: { id } });
  await recordAudit(tx, {
    action: "trusted_issuer.removed",
    ...actorOf(actor),
    targetType: "trusted_issuer",
    targetId: id,
    targetLabel: before.name,
    decision: "allow",
    reason: `No longer trusting ${before.issuer}`,
    occurredAt: now,
    detail: { before: { ...snapshot(before), agentClients: before.agentClients } },
  });
}

/** Records a delegated agent's client id at an enterprise IdP: ID tokens issued to it may be exchanged by that agent only. */
export async function addAgentIdpClient(
  db: Db,
  actor: Principal,
  raw: z.input<typeof agentClientInputSchema>,
  now = new Date(),
): Promise<{ id: string }> {
  const input = agentClientInputSchema.parse(raw);
  try {
    return await db.$transaction(async (tx) => {
      const idp = await tx.trustedIdp.findUnique({
        where: { id: input.idpId },
        select: { id: true, name: true, issuer: true },
      });
      if (!idp) throw new DomainError("not_found", "No such identity provider");
      const agent = await tx.agent.findUnique({
        where: { id: input.agentId },
        select: { id: true, name: true, kind: true, clientId: true },
      });
      if (!agent) throw new DomainError("invalid", "No such agent", "agentId");
      if (agent.kind !== "delegated")
        throw new DomainError("invalid", "Only delegated agents exchange a person's ID token", "agentId");
      const taken = await tx.agentIdpClient.findUnique({
        where: { idpId_clientId: { idpId: idp.id, clientId: input.clientId } },
        select: { agentId: true },
      });
      if (taken)
        throw new DomainError("conflict", "This client id at the IdP is already recorded for an agent", "clientId");
      const row = await tx.agentIdpClient.create({
        data: { idpId: idp.id, agentId: agent.id, clientId: input.clientId, createdAt: now },
      });
      await recordAudit(tx, {
        action: "trusted_issuer.agent_client_added",
        ...actorOf(actor),
        targetType: "agent",
        targetId: agent.id,
        targetLabel: agent.name,
        decision: "allow",
        reason: `ID tokens from ${idp.name} issued to ${input.clientId} may be exchanged by this agent`,
        occurredAt: now,
        detail: { idpId: idp.id, issuer: idp.issuer, clientId: input.clientId },
      });
      return { id: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new DomainError("conflict", "This client id at the IdP is already recorded for an agent", "clientId");
    throw e;
  }
}

export async function removeAgentIdpClient(db: Db, actor: Principal, id: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.agentIdpClient.findUnique({
      where: { id },
      include: { agent: { select: { name: true } }, idp: { select: { name: true, issuer: true } } },
    });
    if (!row) throw new DomainError("not_found", "No such agent client id");
    await tx.agentIdpClient.delete({ where: { id } });
    await recordAudit(tx, {
      action: "trusted_issuer.agent_client_removed",
      ...actorOf(actor),
      targetType: "agent",
      targetId: row.agentId,
      targetLabel: row.agent.name,
      decision: "allow",
      reason: `ID tokens from ${row.idp.name} issued to ${row.clientId} are no longer this agent's`,
      occurredAt: now,
      detail: { idpId: row.idpId, issuer: row.idp.issuer, clientId: row.clientId },
    });
  });
}

function toView(
  row: TrustedIdp & {
    agentClients: { id: string; agentId: string; clientId: string; agent: { name: string } }[];
    _count: { scimTokens: number };
  },
): TrustedIssuerView {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    roles: parseIssuerRoles(row.roles),
    keySource: row.jwks ? "jwks" : "jwks_uri",
    jwksUri: row.jwksUri,
    staticKeys: row.jwks ? describeKeys(row.jwks) : null,
    algorithms: parseIssuerAlgorithms(row.algorithms),
    userMatch: row.userMatch === "email" ? "email" : "sub",
    enabled: row.enabled,
    agentClients: row.agentClients.map((c) => ({
      id: c.id,
      agentId: c.agentId,
      agentName: c.agent.name,
      clientId: c.clientId,
    })),
    scimTokens: row._count.scimTokens,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const viewInclude = {
  agentClients: {
    select: { id: true, agentId: true, clientId: true, agent: { select: { name: true } } },
    orderBy: { clientId: "asc" as const },
  },
  _count: { select: { scimTokens: true } },
};

export async function listTrustedIssuers(db: Db): Promise<TrustedIssuerView[]> {
  const rows = await db.trustedIdp.findMany({ orderBy: { name: "asc" }, include: viewInclude, take: 500 });
  return rows.map(toView);
}

export async function getTrustedIssuer(db: Db, id: string): Promise<TrustedIssuerView | null> {
  const row = await db.trustedIdp.findUnique({ where: { id }, include: viewInclude });
  return row ? toView(row) : null;
}

/** The "test" action: fetches the issuer's keys now and lists them (nothing is stored). */
export async function testTrustedIssuer(
  db: Db,
  id: string,
  deps: TrustedIssuerDeps = {},
): Promise<{ source: string; keys: PublishedKey[] }> {
  const row = await db.trustedIdp.findUnique({ where: { id } });
  if (!row) throw new DomainError("not_found", "No such identity provider");
  if (row.jwks) return { source: "static JWK Set", keys: describeKeys(row.jwks) };
  if (!row.jwksUri) throw new DomainError("invalid", "This identity provider has no keys configured");
  return { source: row.jwksUri, keys: describeKeys(await fetchJwks(row.jwksUri, deps.fetch ?? fetch), "jwksUri") };
}

/** The delegated agents whose client ids at an enterprise IdP can be recorded: not retired. */
export async function listDelegatedAgentOptions(db: Db): Promise<{ id: string; name: string; clientId: string }[]> {
  return db.agent.findMany({
    where: { kind: "delegated", status: { not: "retired" } },
    select: { id: true, name: true, clientId: true },
    orderBy: { name: "asc" },
    take: 1000,
  });
}

/** Enterprise IdPs a SCIM token can be tied to (its externalIds are then that IdP's subjects). */
export async function listEnterpriseIdpOptions(db: Db): Promise<{ id: string; name: string }[]> {
  return db.trustedIdp.findMany({
    where: { roles: { contains: "enterprise_idp" } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
    take: 100,
  });
}
