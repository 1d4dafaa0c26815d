import { describe, expect, it } from "vitest";
import { grantedToolNames, MCP_TOOLS_TYPE, toolAuthorizationDetails } from "@/lib/oauth/authorization-details";

const here = "https://mcp.example/chat";

describe("tool grants as RFC 9396 authorization_details", () => {
  it("writes one object naming the resource and the tools", () => {
    expect(toolAuthorizationDetails(here, ["a", "b"])).toEqual([
      { type: MCP_TOOLS_TYPE, locations: [here], actions: ["a", "b"] },
    ]);
  });

  it("reads the actions of Mandate's type for this resource only, compared exactly", () => {
    const claim = [
      { type: MCP_TOOLS_TYPE, locations: [here], actions: ["list_channels", 7, "search"] },
      { type: MCP_TOOLS_TYPE, locations: ["https://mcp.example/other"], actions: ["delete_repo"] },
      { type: "payment_initiation", locations: [here], actions: ["initiate"] },
      { type: MCP_TOOLS_TYPE, locations: [`${here}/`], actions: ["trailing_slash"] },
      { type: MCP_TOOLS_TYPE, actions: ["no_location"] },
      null,
      "x",
    ];
    expect(grantedToolNames(claim, here)).toEqual(new Set(["list_channels", "search"]));
  });

  it("reads nothing from a token without the claim: null, so the caller fails closed", () => {
    expect(grantedToolNames(undefined, here)).toBeNull();
    expect(grantedToolNames({ type: MCP_TOOLS_TYPE, locations: [here], actions: ["a"] }, here)).toBeNull();
    expect(grantedToolNames([], here)).toEqual(new Set());
  });
});
