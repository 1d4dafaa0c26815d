import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { POST as revokeSessions } from "@/app/api/v1/sessions/revoke/route";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

// The JSON API authenticates bearer keys against getDb(); the console-session path is not used here.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

/** The console JSON API reads a body as it arrives and stops at its limit, whatever the sender declares or sends. */
describe.each(PROVIDERS)("console JSON API request bodies on %s", (provider) => {
  const suite = suiteDatabase(provider);
  const holder = globalThis as unknown as { __mandateDb?: Db };
  let previous: Db | undefined;
  let key: string;

  beforeAll(async () => {
    previous = holder.__mandateDb;
    holder.__mandateDb = suite.db;
    const admin = await suite.db.user.create({
      data: { email: "admin@body.test", displayName: "Admin", roles: { create: [{ role: "admin" }] } },
    });
    const actor: Principal = {
      kind: "user",
      userId: admin.id,
      email: admin.email,
      displayName: "Admin",
      roles: ["admin"],
      consoleSessionId: "cs",
    };
    ({ key } = await createApiKey(suite.db, actor, { name: "Body probe", role: "oncall", expiresInDays: 1 }));
  });
  afterAll(() => {
    holder.__mandateDb = previous;
  });

  // A streamed request body needs duplex "half" (fetch's rule); Next's RequestInit type does not list it.
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    revokeSessions(
      new NextRequest("http://mandate.test/api/v1/sessions/revoke", {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]),
      { params: Promise.resolve({}) },
    );

  it("refuses an endless body with 413 after reading no more than its limit", async () => {
    let sent = 0;
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const r = await post(endless);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("too_large");
    // Pulled a little past the limit (the stream reads ahead by a chunk or two), never the whole of anything.
    expect(sent).toBeLessThan(256 * 1024);
  });

  it("refuses a declared 10 MB body with 413 without reading it, and still reads a small one", async () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x20);
    const r = await post(big, { "content-length": String(big.byteLength) });
    expect(r.status).toBe(413);
    // A small body is read, parsed and reaches the domain (which finds no such session).
    const small = await post(JSON.stringify({ sessionIds: ["no-such-session"], reason: "probe" }));
    expect(small.status).toBe(404);
  });
});
