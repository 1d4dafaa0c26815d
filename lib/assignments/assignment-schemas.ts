import { z } from "zod";

export const PRINCIPAL_TYPES = ["agent", "user", "group"] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** Dates arrive as ISO strings from forms and YAML, or as Dates from code. */
const optionalDate = z.preprocess(
  (value) => (value === "" || value === null ? undefined : typeof value === "string" ? new Date(value) : value),
  z.date({ error: "Not a valid date" }).optional(),
);

const excludedToolIds = z
  .array(z.string().min(1), { error: "Expected a list of tools" })
  .transform((ids) => [...new Set(ids)].sort());

export const createAssignmentSchema = z.object({
  entitlementId: z.string().min(1, "Choose an entitlement"),
  principalType: z.enum(PRINCIPAL_TYPES),
  principalId: z.string().min(1, "Choose who receives the access"),
  expiresAt: optionalDate,
  justification: z.string().trim().min(10, "Say why (at least 10 characters)").max(1000, "At most 1000 characters"),
  /** Tools of the entitlement this grant leaves out (a narrowed grant, as a "reduce" review decision leaves it). */
  excludedToolIds: excludedToolIds.optional(),
});
export type CreateAssignmentInput = z.input<typeof createAssignmentSchema>;

export const endAssignmentSchema = z.object({
  assignmentId: z.string().min(1),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
export type EndAssignmentInput = z.input<typeof endAssignmentSchema>;

export const narrowAssignmentSchema = z.object({
  assignmentId: z.string().min(1),
  excludedToolIds,
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
export type NarrowAssignmentInput = z.input<typeof narrowAssignmentSchema>;
