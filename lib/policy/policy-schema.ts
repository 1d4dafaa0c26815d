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
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }, { error: "Expected a JWK Set (an object with a keys list)" }).nullish(),
  grantTypes: z.array(text, { error: "Expected a list of grant types" }).optional(),
  maxTokenLifetimeSeconds: seconds.optional(),
  status: z.enum(["active", "suspended", "retired"], { error: "Expected active, suspended or retired" }).default("active"),
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
    if (given !== 1) ctx.addIssue({ code: "custom", message: "Name exactly one principal: agent: <name>, user: <email> or group: <name>" });
  });

const list = <T extends z.ZodType>(entry: T, what: string) => z.array(entry, { error: `Expected a list of ${what}` }).nullish().transform((v) => v ?? []);

export const policyFileSchema = z.strictObject({
  version: z.literal(1, { error: "This file's version is not supported; expected version: 1" }).optional(),
  servers: list(serverEntrySchema, "servers"),
  agents: list(agentEntrySchema, "agents"),
  entitlements: list(entitlementEntrySchema, "entitlements"),
  assignments: list(assignmentEntrySchema, "assignments"),
});

export type ToolEntry = z.output<typeof toolEntrySchema>;
export type ServerEntry = z.output<typeof serverEntrySchema>;
export type AgentEntry = z.output<typeof agentEntrySchema>;
export type EntitlementEntry = z.output<typeof entitlementEntrySchema>;
export type AssignmentEntry = z.output<typeof assignmentEntrySchema>;
export type PolicyFile = z.output<typeof policyFileSchema>;

/** Where in the file an entry or field sits: ["servers", 0, "tools", 2, "scope"]. */
export type PolicyPath = (string | number)[];
