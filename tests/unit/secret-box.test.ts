import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { masterKey, open, seal, SecretBoxError } from "@/lib/crypto/secret-box";

const key = randomBytes(32);

describe("secret box", () => {
  it("round-trips a secret and never stores it in the clear", () => {
    const sealed = seal("ghp_example-token", "ctx", key);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("ghp_example-token");
    expect(open(sealed, "ctx", key)).toBe("ghp_example-token");
  });

  it("uses a fresh nonce each time", () => {
    expect(seal("same", "ctx", key)).not.toBe(seal("same", "ctx", key));
  });

  it("refuses a value that was altered", () => {
    const [v, iv, ct, tag] = seal("secret", "ctx", key).split(".") as [string, string, string, string];
    const flipped = Buffer.from(ct, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => open([v, iv, flipped.toString("base64url"), tag].join("."), "ctx", key)).toThrow(SecretBoxError);
    // A bit of the tag itself (rewriting its last base64url characters may decode to the same bytes: ~1 run in 256).
    const tagFlipped = Buffer.from(tag, "base64url");
    tagFlipped[tagFlipped.length - 1] = tagFlipped[tagFlipped.length - 1]! ^ 1;
    expect(() => open([v, iv, ct, tagFlipped.toString("base64url")].join("."), "ctx", key)).toThrow(SecretBoxError);
  });

  it("refuses another key, another context, an unknown version and garbage", () => {
    const sealed = seal("secret", "server:a", key);
    expect(() => open(sealed, "server:a", randomBytes(32))).toThrow(SecretBoxError);
    expect(() => open(sealed, "server:b", key)).toThrow(SecretBoxError);
    expect(() => open(sealed.replace(/^v1/, "v9"), "server:a", key)).toThrow(/version/);
    expect(() => open("not-sealed", "server:a", key)).toThrow(SecretBoxError);
  });

  it("reads a 32-byte base64url master key and rejects anything else", () => {
    const encoded = randomBytes(32).toString("base64url");
    expect(masterKey({ MANDATE_MASTER_KEY: encoded }).length).toBe(32);
    expect(() => masterKey({})).toThrow(/not set/);
    expect(() => masterKey({ MANDATE_MASTER_KEY: randomBytes(16).toString("base64url") })).toThrow(/32 bytes/);
    expect(() => masterKey({ MANDATE_MASTER_KEY: "not base64url!" })).toThrow(/base64url/);
    // `openssl rand -base64 32` output (standard alphabet, padding) is accepted too.
    const standard = randomBytes(32).toString("base64");
    expect(masterKey({ MANDATE_MASTER_KEY: standard }).equals(Buffer.from(standard, "base64"))).toBe(true);
  });

  it("takes the key from MANDATE_MASTER_KEY by default", () => {
    const previous = process.env.MANDATE_MASTER_KEY;
    process.env.MANDATE_MASTER_KEY = key.toString("base64url");
    try {
      expect(open(seal("secret", "ctx"), "ctx", key)).toBe("secret");
    } finally {
      if (previous === undefined) delete process.env.MANDATE_MASTER_KEY;
      else process.env.MANDATE_MASTER_KEY = previous;
    }
  });
});
