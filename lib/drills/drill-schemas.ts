import { z } from "zod";

/** Which servers to drill: ids (one or a selection), or "all". */
export const runDrillsSchema = z.object({
  serverIds: z.union([
    z.literal("all"),
    z.array(z.string().min(1).max(100)).min(1, "Choose at least one server").max(100, "At most 100 servers at once"),
  ]),
});
export type RunDrillsInput = z.infer<typeof runDrillsSchema>;

export const listDrillsSchema = z.object({
  serverId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
