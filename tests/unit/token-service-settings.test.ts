import { describe, expect, it } from "vitest";
import { tokenServiceSettings } from "@/lib/oauth/defaults";

const env = (vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({ NODE_ENV: "test", ...vars });

describe("token service settings", () => {
  it("publishes a next key for 60 s before it may sign, unless told otherwise (0 included)", () => {
    expect(tokenServiceSettings(env()).keyMinPublishSeconds).toBe(60);
    expect(tokenServiceSettings(env({ MANDATE_KEY_MIN_PUBLISH_SECONDS: "0" })).keyMinPublishSeconds).toBe(0);
    expect(tokenServiceSettings(env({ MANDATE_KEY_MIN_PUBLISH_SECONDS: "300" })).keyMinPublishSeconds).toBe(300);
    for (const junk of ["", " ", "-5", "soon"])
      expect(tokenServiceSettings(env({ MANDATE_KEY_MIN_PUBLISH_SECONDS: junk })).keyMinPublishSeconds).toBe(60);
  });

  it("takes a positive lifetime, and keeps its default when given 0", () => {
    expect(tokenServiceSettings(env({ MANDATE_ACCESS_TOKEN_MAX_SECONDS: "0" })).accessTokenMaxSeconds).toBe(300);
    expect(tokenServiceSettings(env({ MANDATE_ID_JAG_SECONDS: "90" })).idJagSeconds).toBe(90);
  });
});
