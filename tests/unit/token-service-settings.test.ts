import { describe, expect, it } from "vitest";
import { tokenServiceSettings } from "@/lib/oauth/defaults";

describe("token service settings", () => {
  it("publishes a next key for 60 s before it may sign, unless told otherwise (0 included)", () => {
    expect(tokenServiceSettings({}).keyMinPublishSeconds).toBe(60);
    expect(tokenServiceSettings({ MANDATE_KEY_MIN_PUBLISH_SECONDS: "0" }).keyMinPublishSeconds).toBe(0);
    expect(tokenServiceSettings({ MANDATE_KEY_MIN_PUBLISH_SECONDS: "300" }).keyMinPublishSeconds).toBe(300);
    for (const junk of ["", " ", "-5", "soon"]) expect(tokenServiceSettings({ MANDATE_KEY_MIN_PUBLISH_SECONDS: junk }).keyMinPublishSeconds).toBe(60);
  });

  it("keeps positive-only settings at their defaults when given 0 or junk", () => {
    expect(tokenServiceSettings({ MANDATE_ACCESS_TOKEN_MAX_SECONDS: "0" }).accessTokenMaxSeconds).toBe(300);
    expect(tokenServiceSettings({ MANDATE_ID_JAG_SECONDS: "90" }).idJagSeconds).toBe(90);
  });
});
