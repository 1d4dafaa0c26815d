import { describe, expect, it } from "vitest";
import type { ItemSnapshot } from "@/lib/reviews/item-snapshot";
import { reportCsv, type ReportRow } from "@/lib/reviews/campaign-report";
import { routeReviewer, type RoutingContext } from "@/lib/reviews/route-reviewer";
import { selfReviewReason, type ReviewerFacts } from "@/lib/reviews/self-review";

const snap = (over: Partial<ItemSnapshot> = {}): ItemSnapshot => ({
  assignmentId: "as1",
  principalType: "agent",
  principalId: "agent1",
  principalLabel: "Bot",
  principalDetail: "bot",
  agentKind: "autonomous",
  agentOwnerId: "owner",
  agentOwnerLabel: "owner@x",
  entitlementId: "ent1",
  entitlementName: "Docs",
  serverId: "srv",
  serverName: "Docs",
  serverOwnerId: "srvowner",
  tools: [{ toolId: "t1", name: "read", scope: "r", risk: "read" }],
  justification: "j",
  grantedById: "granter",
  grantedByLabel: "granter@x",
  grantedAt: "2026-01-01T00:00:00.000Z",
  expiresAt: null,
  ...over,
});
const facts = (groupIds: string[] = [], entitlementIds: string[] = []): ReviewerFacts => ({
  groupIds: new Set(groupIds),
  entitlementIds: new Set(entitlementIds),
});

describe("self-review rule", () => {
  it("refuses the subject, a member of the subject group, the grantor, and the owner of a delegated agent holding the same access", () => {
    expect(selfReviewReason("u1", snap({ principalType: "user", principalId: "u1" }), facts())).toMatch(/theirs/);
    expect(selfReviewReason("u1", snap({ principalType: "group", principalId: "g1" }), facts(["g1"]))).toMatch(/group/);
    expect(selfReviewReason("u1", snap({ principalType: "group", principalId: "g1" }), facts(["g2"]))).toBeNull();
    expect(selfReviewReason("granter", snap(), facts())).toMatch(/granted/);
    expect(selfReviewReason("owner", snap({ agentKind: "delegated" }), facts([], ["ent1"]))).toMatch(/delegated/);
    // The owner of a delegated agent who does not hold the entitlement, or of an autonomous agent, may review it.
    expect(selfReviewReason("owner", snap({ agentKind: "delegated" }), facts([], ["other"]))).toBeNull();
    expect(selfReviewReason("owner", snap(), facts([], ["ent1"]))).toBeNull();
  });
});

describe("reviewer routing", () => {
  const ctx = (over: Partial<RoutingContext> = {}): RoutingContext => ({
    policy: "agent_owner",
    namedReviewerIds: [],
    fallbackReviewerId: "fallback",
    eligible: new Set(["owner", "srvowner", "mgr", "fallback", "n1", "n2"]),
    facts: new Map(),
    ...over,
  });
  it("takes the policy's candidate when eligible, else the fallback, else nobody", () => {
    expect(routeReviewer(ctx(), snap(), null, 0)).toBe("owner");
    expect(routeReviewer(ctx({ policy: "server_owner" }), snap(), null, 0)).toBe("srvowner");
    expect(routeReviewer(ctx({ policy: "manager" }), snap(), "mgr", 0)).toBe("mgr");
    expect(routeReviewer(ctx({ policy: "manager" }), snap(), "not-a-reviewer", 0)).toBe("fallback");
    expect(routeReviewer(ctx({ eligible: new Set(["fallback"]) }), snap(), null, 0)).toBe("fallback");
    expect(
      routeReviewer(ctx({ fallbackReviewerId: "granter", eligible: new Set(["granter"]) }), snap(), null, 0),
    ).toBeNull();
  });
  it("shares items among named reviewers in turn, skipping one who would review their own access", () => {
    const named = ctx({ policy: "named", namedReviewerIds: ["n1", "n2"] });
    expect([0, 1, 2, 3].map((turn) => routeReviewer(named, snap(), null, turn))).toEqual(["n1", "n2", "n1", "n2"]);
    expect(routeReviewer(named, snap({ principalType: "user", principalId: "n1" }), null, 0)).toBe("n2");
  });
});

describe("report CSV", () => {
  it("quotes separators and neutralises cells a spreadsheet would evaluate", () => {
    const row = Object.fromEntries(
      [
        "itemId",
        "subject",
        "subjectType",
        "entitlement",
        "server",
        "risk",
        "tools",
        "reviewer",
        "decision",
        "decidedBy",
        "decidedAt",
        "justification",
        "keptTools",
        "flagged",
        "remediation",
        "remediationDetail",
        "remediatedAt",
      ].map((k) => [k, ""]),
    ) as unknown as ReportRow;
    const csv = reportCsv([{ ...row, subject: "=HYPERLINK(1)", justification: 'said "yes", twice' }]);
    const line = csv.split("\r\n")[1]!;
    expect(line).toContain("'=HYPERLINK(1)");
    expect(line).toContain('"said ""yes"", twice"');
  });
});
