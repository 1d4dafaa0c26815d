import { z } from "zod";

/**
 * What an admin may set on a tool. Shared by the console and the YAML policy
 * importer.
 */

export const toolRiskSchema = z.enum(["read", "write", "destructive"]);

/** One RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const scopeSchema = z
  .string()
  .trim()
  .min(1, "Enter a scope")
  .max(200, "Keep the scope under 200 characters")
  .regex(
    /^[\x21\x23-\x5b\x5d-\x7e]+$/,
    "A scope is one word of printable characters, without spaces, quotes or backslashes",
  );

export const updateToolSchema = z
  .object({
    toolId: z.string().min(1),
    risk: toolRiskSchema.optional(),
    scope: scopeSchema.optional(),
  })
  .refine((v) => v.risk !== undefined || v.scope !== undefined, {
    message: "Change the risk or the scope",
    path: ["_form"],
  });
export type UpdateToolInput = z.input<typeof updateToolSchema>;

export const toolDecisionSchema = z.object({
  toolId: z.string().min(1),
  /** Why, for the audit trail (optional for approvals, encouraged for rejections). */
  reason: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(1000).optional(),
  ),
  /**
   * The definition hash the admin reviewed: an approval is refused when the tool's definition has changed
   * since (the console sends it, so a change arriving mid-review is never approved unseen).
   */
  definitionHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The admin confirmed approving a destructive or administrative tool (the console asks; see approval-risk.ts). */
  acknowledgeRisk: z.boolean().optional(),
});
export type ToolDecisionInput = z.input<typeof toolDecisionSchema>;
