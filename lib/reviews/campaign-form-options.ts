import type { Db } from "@/lib/db/client";
import type { PersonOption } from "@/lib/people/person-option";
import { eligibleReviewers } from "./eligible-reviewers";

export interface NamedOption {
  id: string;
  name: string;
}

export interface CampaignFormOptions {
  servers: NamedOption[];
  entitlements: NamedOption[];
  /** Agents a campaign can still review (retired ones hold nothing). */
  agents: NamedOption[];
  /** People who own at least one agent: a campaign can be scoped to their agents. */
  owners: PersonOption[];
  reviewers: PersonOption[];
}

/** What the new-campaign form offers for its scope and its reviewers. */
export async function campaignFormOptions(db: Db): Promise<CampaignFormOptions> {
  const byName = { orderBy: { name: "asc" }, select: { id: true, name: true } } as const;
  const [servers, entitlements, agents, owners, reviewers] = await Promise.all([
    db.mcpServer.findMany(byName),
    db.entitlement.findMany(byName),
    db.agent.findMany({ ...byName, where: { status: { not: "retired" } } }),
    db.user.findMany({
      where: { ownedAgents: { some: {} } },
      orderBy: { displayName: "asc" },
      select: { id: true, displayName: true, email: true },
    }),
    eligibleReviewers(db),
  ]);
  return { servers, entitlements, agents, owners, reviewers };
}
