import { describe, expect, it } from "vitest";
import { GatewayDirectory } from "@/lib/gateway/directory";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

describe.each(PROVIDERS)("the gateway's server directory on %s", (provider) => {
  const suite = suiteDatabase(provider);
  const TTL = 1_000;
  const rename = (slug: string, name: string) => suite.db.mcpServer.update({ where: { slug }, data: { name } });

  it("answers from an entry that expired less than an interval ago while one read refreshes it", async () => {
    await suite.db.mcpServer.create({
      data: {
        name: "Before",
        slug: "swr",
        resourceUri: "https://swr.example/mcp",
        enforcementMode: "gateway",
        upstreamUrl: "http://127.0.0.1:1/mcp",
      },
    });
    const directory = new GatewayDirectory(suite.db, TTL);
    const t0 = Date.now();
    expect((await directory.bySlug("swr", t0))?.name).toBe("Before");
    await rename("swr", "After");
    // Within the interval: the cached entry, no read.
    expect((await directory.bySlug("swr", t0 + TTL / 2))?.name).toBe("Before");
    // Just expired: still the cached entry for this call (it does not wait on the store), and a refresh starts.
    expect((await directory.bySlug("swr", t0 + TTL + 50))?.name).toBe("Before");
    let name: string | undefined;
    for (let i = 0; i < 100 && name !== "After"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      name = (await directory.bySlug("swr"))?.name;
    }
    expect(name).toBe("After");
  });

  it("reads before answering once the entry is older than two intervals, and for a slug it has not seen", async () => {
    await suite.db.mcpServer.create({
      data: {
        name: "Old",
        slug: "idle",
        resourceUri: "https://idle.example/mcp",
        enforcementMode: "gateway",
        upstreamUrl: "http://127.0.0.1:1/mcp",
      },
    });
    const directory = new GatewayDirectory(suite.db, TTL);
    const t0 = Date.now();
    expect((await directory.bySlug("idle", t0))?.name).toBe("Old");
    await rename("idle", "New");
    expect((await directory.bySlug("idle", t0 + 3 * TTL))?.name).toBe("New");
    expect(await directory.bySlug("no-such-server")).toBeNull();
  });
});
