import { z } from "zod";
import { slugOf } from "./slug";

/**
 * What an admin states about an MCP server. Shared by the console forms and
 * the YAML policy importer, so both refuse the same things with the same words.
 * Empty strings (an untouched form field) mean "not set".
 */

const blankToUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** An absolute http(s) URL without a fragment or embedded credentials (RFC 8707 §2 for resource indicators). */
export const httpUrlSchema = z
  .string()
  .trim()
  .max(2048, "Keep URLs under 2,048 characters")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter an absolute URL starting with https:// or http://" });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: "Only https:// and http:// URLs are supported" });
    } else if (value.includes("#")) {
      ctx.addIssue({ code: "custom", message: "The URL must not contain a fragment (#…)" });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Put credentials in the upstream credential field, not in the URL" });
    }
  });

/**
 * A credential the gateway sends upstream as `Authorization: Bearer <value>`.
 * Printable ASCII without spaces: anything else could not travel in a header
 * (and a line break would let it smuggle in other headers).
 */
export const upstreamCredentialSchema = z
  .string()
  .trim()
  .max(4096, "Keep the credential under 4,096 characters")
  .regex(/^[\x21-\x7e]+$/, "The credential must be printable ASCII without spaces: it is sent as a bearer token");

export const enforcementModeSchema = z.enum(["native", "gateway"]);
export const argumentLoggingSchema = z.enum(["none", "hash", "redacted"]);

const serverFields = {
  name: z
    .string()
    .trim()
    .min(1, "Enter a name")
    .max(100, "Keep the name under 100 characters")
    .refine((name) => slugOf(name).length > 0, "The name needs at least one letter or digit"),
  description: optional(z.string().trim().max(1000, "Keep the description under 1,000 characters")),
  category: optional(z.string().trim().max(100, "Keep the category under 100 characters")),
  /** Native servers: where they are reached. Gateway servers: derived from the issuer and slug (see gateway-resource.ts). */
  resourceUri: optional(httpUrlSchema),
  authorizationServerIssuer: optional(httpUrlSchema),
  enforcementMode: enforcementModeSchema,
  upstreamUrl: optional(httpUrlSchema),
  argumentLogging: argumentLoggingSchema.default("none"),
  /** Native servers: it introspects every token (RFC 7662), so revocations reach it at once. Absent on an update: unchanged. */
  introspects: z.boolean().optional(),
  /** The person accountable for the server; a person, named by email so YAML files stay readable. */
  ownerEmail: optional(z.string().trim().toLowerCase().pipe(z.email("Enter the owner's email address"))),
  upstreamCredential: optional(upstreamCredentialSchema),
};

type ModeFields = {
  enforcementMode: "native" | "gateway";
  upstreamUrl?: string | undefined;
  resourceUri?: string | undefined;
};

/** Gateway mode needs somewhere to forward to; native mode has no upstream to name. */
function checkMode(value: ModeFields, ctx: z.RefinementCtx): void {
  if (value.enforcementMode === "gateway" && !value.upstreamUrl) {
    ctx.addIssue({
      code: "custom",
      path: ["upstreamUrl"],
      message: "A gateway server needs the upstream URL Mandate forwards calls to",
    });
  }
  if (value.enforcementMode === "native" && !value.resourceUri) {
    ctx.addIssue({
      code: "custom",
      path: ["resourceUri"],
      message: "A native server needs its resource URI: the URL where agents reach it",
    });
  }
  if (value.enforcementMode === "native" && value.upstreamUrl) {
    ctx.addIssue({
      code: "custom",
      path: ["upstreamUrl"],
      message: "Only gateway servers have an upstream URL; clear it or choose gateway mode",
    });
  }
}

export const registerServerSchema = z.object(serverFields).superRefine(checkMode);
export type RegisterServerInput = z.input<typeof registerServerSchema>;
export type RegisterServerValues = z.output<typeof registerServerSchema>;

export const updateServerSchema = z
  .object({
    id: z.string().min(1),
    ...serverFields,
    /** Left empty, the stored credential is kept; `clearUpstreamCredential` removes it. */
    clearUpstreamCredential: z.boolean().default(false),
  })
  .superRefine(checkMode)
  .superRefine((value, ctx) => {
    if (value.clearUpstreamCredential && value.upstreamCredential) {
      ctx.addIssue({
        code: "custom",
        path: ["upstreamCredential"],
        message: "Either enter a new credential or remove the stored one, not both",
      });
    }
  });
export type UpdateServerInput = z.input<typeof updateServerSchema>;
export type UpdateServerValues = z.output<typeof updateServerSchema>;

export const serverIdSchema = z.object({ id: z.string().min(1) });

export const deleteServerSchema = z.object({
  id: z.string().min(1),
  /** The server's name typed by the person deleting it: a deliberate speed bump, checked on the server too. */
  confirmName: z.string(),
});
