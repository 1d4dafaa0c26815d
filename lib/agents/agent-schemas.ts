import { z } from "zod";
import { CLIENT_CREDENTIALS, disallowedGrantTypes, GRANT_TYPES, GRANT_TYPES_BY_KIND } from "./grant-types";

/**
 * Input schemas for agents, shared by the console actions, the JSON API and
 * the YAML importer. They check shape and the rules that need no database;
 * the domain functions check the rest (unique name, active owner, key material).
 */

export const AGENT_KINDS = ["autonomous", "delegated"] as const;
export const CLIENT_AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post"] as const;
export const MIN_TOKEN_LIFETIME_SECONDS = 60;
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https only — a JWKS fetched over plain http could be swapped in transit — except on this machine, for development. */
export function isAcceptableJwksUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

export const agentNameSchema = z.string().trim().min(3, "At least 3 characters").max(80, "At most 80 characters");

export const jwksUriSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(isAcceptableJwksUri, "Use an https URL (http only for localhost)");

/** A JWK Set as uploaded: text (from a form) or an object (from YAML/JSON). Key-level checks happen in validateUploadedJwks. */
export const jwkSetSchema = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
  z.object(
    { keys: z.array(z.record(z.string(), z.unknown())).min(1, "The key set has no keys").max(20, "At most 20 keys") },
    {
      error: "Paste a JWK Set: a JSON object with a keys array",
    },
  ),
);

export const grantTypesSchema = z.array(z.enum(GRANT_TYPES)).min(1, "Choose at least one grant type");

export const tokenLifetimeSchema = z.coerce
  .number()
  .int("Whole seconds")
  .min(MIN_TOKEN_LIFETIME_SECONDS, `At least ${MIN_TOKEN_LIFETIME_SECONDS} seconds`)
  .max(MAX_TOKEN_LIFETIME_SECONDS, `At most ${MAX_TOKEN_LIFETIME_SECONDS} seconds`);

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const registerAgentSchema = z
  .object({
    name: agentNameSchema,
    ownerId: z.string().min(1, "Choose an owner"),
    purpose: z.string().trim().min(10, "Say in a sentence what the agent is for (at least 10 characters)").max(1000),
    kind: z.enum(AGENT_KINDS),
    authMethod: z.enum(CLIENT_AUTH_METHODS),
    jwksUri: z.preprocess(emptyToUndefined, jwksUriSchema.optional()),
    jwks: z.preprocess(emptyToUndefined, jwkSetSchema.optional()),
    /** Defaults to every grant the kind may use. */
    allowedGrantTypes: grantTypesSchema.optional(),
    maxTokenLifetimeSeconds: z.preprocess(
      emptyToUndefined,
      tokenLifetimeSchema.default(DEFAULT_TOKEN_LIFETIME_SECONDS),
    ),
  })
  .superRefine((input, ctx) => {
    if (input.authMethod === "private_key_jwt") {
      if (!input.jwksUri && !input.jwks) {
        ctx.addIssue({
          code: "custom",
          path: ["jwksUri"],
          message: "private_key_jwt needs a JWKS URL or uploaded public keys",
        });
      } else if (input.jwksUri && input.jwks) {
        ctx.addIssue({ code: "custom", path: ["jwks"], message: "Give a JWKS URL or uploaded keys, not both" });
      }
    } else if (input.jwksUri || input.jwks) {
      ctx.addIssue({
        code: "custom",
        path: ["authMethod"],
        message: "Keys are only used with private_key_jwt; a client secret is generated instead",
      });
    }
    const wrong = disallowedGrantTypes(input.kind, input.allowedGrantTypes ?? []);
    if (wrong.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["allowedGrantTypes"],
        message:
          input.kind === "autonomous"
            ? `An autonomous agent may only use ${CLIENT_CREDENTIALS}`
            : "A delegated agent acts for a person: token exchange and JWT bearer only, not client_credentials",
      });
    }
  })
  .transform((input) => ({
    ...input,
    allowedGrantTypes: input.allowedGrantTypes ?? [...GRANT_TYPES_BY_KIND[input.kind]],
  }));

export type RegisterAgentInput = z.input<typeof registerAgentSchema>;
export type RegisterAgent = z.output<typeof registerAgentSchema>;

/** What can change after registration. Kind and auth method are fixed: changing them means a new client. */
export const updateAgentSchema = z.object({
  agentId: z.string().min(1),
  ownerId: z.string().min(1, "Choose an owner").optional(),
  purpose: z.string().trim().min(10, "At least 10 characters").max(1000).optional(),
  allowedGrantTypes: grantTypesSchema.optional(),
  maxTokenLifetimeSeconds: tokenLifetimeSchema.optional(),
});
export type UpdateAgentInput = z.input<typeof updateAgentSchema>;

export const agentIdSchema = z.object({ agentId: z.string().min(1) });

export const retireAgentSchema = z.object({
  agentId: z.string().min(1),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});

/** Suspending cuts every live session: the reason is shown wherever the agent's access is (agent-standing.ts). */
export const suspendAgentSchema = retireAgentSchema;
