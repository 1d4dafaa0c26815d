import { z } from "zod";

/** Shared by console actions, the JSON API and the YAML importer. */

export const MIN_SESSION_SECONDS = 5 * 60;
export const MAX_SESSION_SECONDS = 24 * 3600;
export const DEFAULT_SESSION_SECONDS = 8 * 3600;

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const sessionSecondsSchema = z.coerce
  .number()
  .int("Whole seconds")
  .min(MIN_SESSION_SECONDS, "At least 5 minutes")
  .max(MAX_SESSION_SECONDS, "At most 24 hours");

/** Optional: how old a person's sign-in may be before the agent must send them back to re-authenticate. */
const reauthSecondsSchema = z.preprocess(
  (value) => (value === null ? undefined : emptyToUndefined(value)),
  z.coerce
    .number()
    .int("Whole seconds")
    .min(60, "At least a minute")
    .max(MAX_SESSION_SECONDS, "At most 24 hours")
    .optional(),
);

const entitlementFields = {
  name: z.string().trim().min(3, "At least 3 characters").max(80, "At most 80 characters"),
  description: z.preprocess(emptyToUndefined, z.string().trim().max(1000).optional()),
  toolIds: z.array(z.string().min(1)).min(1, "Choose at least one tool").max(500),
  maxSessionSeconds: z.preprocess(emptyToUndefined, sessionSecondsSchema.default(DEFAULT_SESSION_SECONDS)),
  reauthIntervalSeconds: reauthSecondsSchema,
};

export const createEntitlementSchema = z.object({
  ...entitlementFields,
  serverId: z.string().min(1, "Choose a server"),
});
export type CreateEntitlementInput = z.input<typeof createEntitlementSchema>;

/** The server is fixed once created: moving a bundle to another server would silently change what its holders reach. */
export const updateEntitlementSchema = z.object({ entitlementId: z.string().min(1), ...entitlementFields });
export type UpdateEntitlementInput = z.input<typeof updateEntitlementSchema>;

export const entitlementIdSchema = z.object({ entitlementId: z.string().min(1) });
