import { describe, expect, it } from "vitest";
import { Random } from "@/scripts/seed/random";
import { buildOrg } from "@/scripts/seed/org";

describe("demo enterprise", () => {
  it("is the same on every run for a given seed", () => {
    const now = Date.UTC(2026, 10, 27);
    const a = buildOrg(new Random(7), now, "hash");
    const b = buildOrg(new Random(7), now, "hash");
    expect(a.rows.User!.map((u) => u.email)).toEqual(b.rows.User!.map((u) => u.email));
    expect(a.assignments.map((x) => x.id)).toEqual(b.assignments.map((x) => x.id));
  });
  it("has the shape the product needs: people, groups, ~12 servers, ~150 tools, ~40 agents with owners", () => {
    const org = buildOrg(new Random(1), Date.UTC(2026, 10, 27), "hash");
    expect(org.userIds.length).toBeGreaterThanOrEqual(300);
    expect(org.servers).toHaveLength(12);
    expect(org.tools.length).toBeGreaterThanOrEqual(130);
    expect(org.agents).toHaveLength(40);
    expect(org.agents.every((a) => org.userIds.includes(a.ownerId))).toBe(true);
    expect(new Set(org.tools.map((t) => t.risk))).toEqual(new Set(["read", "write", "destructive"]));
    expect(org.tools.some((t) => !t.approved)).toBe(true);
    // Entitlements only bundle approved tools.
    const approved = new Set(org.tools.filter((t) => t.approved).map((t) => t.id));
    expect(org.entitlements.every((e) => e.toolIds.every((id) => approved.has(id)))).toBe(true);
    // One console account per role.
    expect(org.rows.UserRole!.map((r) => r.role).sort()).toEqual(["admin", "auditor", "oncall", "reviewer"]);
  });
});
