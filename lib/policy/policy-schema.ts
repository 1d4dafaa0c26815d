import { z } from "zod";

/**
 * The shape of a policy file (`mandate export` writes it, `plan`/`apply` read
 * it). Only the structure is checked here — which keys exist and what kind of
 * value each holds, so a typo'd key is an error and not silently ignored. The
 * rules about the values (URLs, lengths, grant types per kind…) are the
 * domain's own zod schemas, applied entry by entry in validate-entries.ts, so
 * the console and the file refuse the same things with the same words.
 *
 * Keys are the console's words where they read well in YAML; `owner`, `mode`,
 * `issuer`, `grantTypes`, `expires` stand for the domain's longer field names
 * (see the FIELD maps in validate-entries.ts).
 */

const text = z.string({ error: "Expected text" });
const optionalText = text.nullish();
const seconds = z.number({ error: "Expected a number of seconds" });

export const toolEntrySchema = z.strictObject({
  name: text,
  risk: text,
  scope: text,
  status: z.enum(["approved", "pending", "rejected"], { error: "Expected approved, pending or rejected" }),
});

export const serverEntrySchema = z.strictObject({
  name: text,
  description: optionalText,
  category: optionalText,
  /** Optional for gateway servers: their resource URI is their gateway URL. */
  resourceUri: optionalText,
  issuer: optionalText,
  mode: text,
  upstreamUrl: optionalText,
  argumentLogging: text.optional(),
  owner: optionalText,
  tools: z.array(toolEntrySchema, { error: "Expected a list of tools" }).nullish(),
});

export const agentEntrySchema = z.strictObject({
  name: text,
  owner: optionalText,
  purpose: text,
  kind: text,
  authMethod: text,
  jwksUri: optionalText,
  /** Uploaded public keys: a JWK Set. */
  jwks: z
    .object(
      { keys: z.array(z.record(z.string(), z.unknown())) },
      { error: "Expected a JWK Set (an object with a keys list)" },
    )
    .nullish(),
  grantTypes: z.array(text, { error: "Expected a list of grant types" }).optional(),
  maxTokenLifetimeSeconds: seconds.optional(),
  status: z
    .enum(["active", "suspended", "retired"], { error: "Expected active, suspended or retired" })
    .default("active"),
});

export const entitlementEntrySchema = z.strictObject({
  name: text,
  description: optionalText,
  /** The server's name. */
  server: text,
  /** Tool names on that server. */
  tools: z.array(text, { error: "Expected a list of tool names" }),
  maxSessionSeconds: seconds.optional(),
  reauthIntervalSeconds: seconds.nullish(),
});

export const assignmentEntrySchema = z
  .strictObject({
    entitlement: text,
    /** Exactly one of agent (its name), user (an email) or group (its display name). */
    agent: text.optional(),
    user: text.optional(),
    group: text.optional(),
    /** ISO 8601 date-time; absent for no expiry. */
    expires: z.union([text, z.date()], { error: "Expected an ISO date-time" }).nullish(),
    /** Names of the entitlement's tools this grant leaves out (a narrowed grant). */
    excludedTools: z.array(text, { error: "Expected a list of tool names" }).nullish(),
    justification: text,
  })
  .superRefine((a, ctx) => {
    const given = [a.agent, a.user, a.group].filter((v) => v !== undefined).length;
    if (given !== 1)
      ctx.addIssue({
        code: "custom",
        message: "Name exactly one principal: agent: <name>, user: <email> or group: <name>",
      });
  });

/** A required claim's value: YAML reads `42` or `true` as a number or boolean; the rule compares text. */
const claimValue = z
  .union([text, z.number(), z.boolean()], { error: "Expected a claim value (text)" })
  .transform((v) => String(v));

/** A rule under a workload issuer: a workload JWT with this `sub` (and these claims) acts as the agent. */
export const workloadIdentityEntrySchema = z.strictObject({
  subject: text,
  /** Claims that must hold exactly these values; a name with "/" walks nested claims (kubernetes.io/namespace). */
  claims: z.record(z.string(), claimValue, { error: "Expected claims as name: value pairs" }).nullish(),
  /** The autonomous agent's name. */
  agent: text,
});

export const identityProviderEntrySchema = z
  .strictObject({
    name: text,
    /** The issuer identifier: exactly the `iss` of its tokens. */
    issuer: text,
    /** enterprise_idp, id_jag_issuer, workload_issuer. */
    roles: z.array(text, { error: "Expected a list of roles" }),
    /** Where its keys are: a JWKS URL, or a static JWK Set; neither: discovered from the issuer's metadata when applied. */
    jwksUri: optionalText,
    jwks: z
      .object(
        { keys: z.array(z.record(z.string(), z.unknown())) },
        { error: "Expected a JWK Set (an object with a keys list)" },
      )
      .nullish(),
    algorithms: z.array(text, { error: "Expected a list of JWS algorithms" }).optional(),
    /** How an ID token names a person: sub (issuer + subject) or email (verified email only). */
    userMatch: text.optional(),
    enabled: z.boolean({ error: "Expected true or false" }).default(true),
    workloadIdentities: z
      .array(workloadIdentityEntrySchema, { error: "Expected a list of workload identities" })
      .nullish(),
  })
  .superRefine((p, ctx) => {
    if (p.jwksUri && p.jwks)
      ctx.addIssue({ code: "custom", path: ["jwks"], message: "Give jwksUri or jwks, not both" });
  });

const list = <T extends z.ZodType>(entry: T, what: string) =>
  z
    .array(entry, { error: `Expected a list of ${what}` })
    .nullish()
    .transform((v) => v ?? []);

export const policyFileSchema = z.strictObject({
  version: z.literal(1, { error: "This file's version is not supported; expected version: 1" }).optional(),
  servers: list(serverEntrySchema, "servers"),
  agents: list(agentEntrySchema, "agents"),
  entitlements: list(entitlementEntrySchema, "entitlements"),
  assignments: list(assignmentEntrySchema, "assignments"),
  identityProviders: list(identityProviderEntrySchema, "identity providers"),
});

export type ToolEntry = z.output<typeof toolEntrySchema>;
export type ServerEntry = z.output<typeof serverEntrySchema>;
export type AgentEntry = z.output<typeof agentEntrySchema>;
export type EntitlementEntry = z.output<typeof entitlementEntrySchema>;
export type AssignmentEntry = z.output<typeof assignmentEntrySchema>;
export type IdentityProviderEntry = z.output<typeof identityProviderEntrySchema>;
export type PolicyFile = z.output<typeof policyFileSchema>;

/** Where in the file an entry or field sits: ["servers", 0, "tools", 2, "scope"]. */
export type PolicyPath = (string | number)[];
