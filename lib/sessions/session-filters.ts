import { z } from "zod";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { activeSessionFilter } from "./active-session-filter";

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const optionalId = z.preprocess(first, z.string().min(1).max(100).optional().catch(undefined));

export const SESSION_STATUS_FILTERS = ["active", "revoked", "expired", "all"] as const;
export const SESSION_AGE_FILTERS = ["1h", "24h", "7d", "older"] as const;
export const SESSION_SORTS = ["started", "expires"] as const;

/** The sessions list's filters, from a page's search params or the API's query (bad values fall back to defaults). */
export const sessionFiltersSchema = z.object({
  status: z.preprocess(first, z.enum(SESSION_STATUS_FILTERS).default("active").catch("active")),
  agentId: optionalId,
  userId: optionalId,
  serverId: optionalId,
  risk: z.preprocess(first, z.enum(["read", "write", "destructive"]).optional().catch(undefined)),
  age: z.preprocess(first, z.enum(SESSION_AGE_FILTERS).optional().catch(undefined)),
  sort: z.preprocess(first, z.enum(SESSION_SORTS).default("started").catch("started")),
});
export type SessionFilters = z.infer<typeof sessionFiltersSchema>;

const AGE_MS: Record<(typeof SESSION_AGE_FILTERS)[number], number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  older: 7 * 86_400_000,
};

/**
 * The `where` for a set of filters. "expired" includes sessions whose status
 * still says active but whose end has passed (the sweeper lags); "active"
 * excludes them. Each filter leads an index (see AgentSession's indexes).
 */
export function sessionWhere(filters: SessionFilters, now: Date): Prisma.AgentSessionWhereInput {
  const and: Prisma.AgentSessionWhereInput[] = [];
  if (filters.status === "active") and.push(activeSessionFilter(now));
  else if (filters.status === "revoked") and.push({ status: "revoked" });
  else if (filters.status === "expired")
    and.push({ OR: [{ status: "expired" }, { status: "active", expiresAt: { lte: now } }] });
  if (filters.agentId) and.push({ agentId: filters.agentId });
  if (filters.userId) and.push({ userId: filters.userId });
  if (filters.serverId) and.push({ serverId: filters.serverId });
  if (filters.risk) and.push({ risk: filters.risk });
  if (filters.age) {
    const bound = new Date(now.getTime() - AGE_MS[filters.age]);
    and.push({ createdAt: filters.age === "older" ? { lt: bound } : { gte: bound } });
  }
  return and.length === 1 ? and[0]! : { AND: and };
}
