import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Db } from "@/lib/db/client";
import { authenticateScimToken } from "@/lib/directory/scim-tokens";
import { GET as getMe } from "@/app/api/v1/me/route";
import { GET as listKeys, POST as postKey } from "@/app/api/v1/api-keys/route";
import { GET as listScimTokens, POST as postScimToken } from "@/app/api/v1/scim-tokens/route";
import { UsageError, type CliIo } from "@/scripts/cli/command";
import { apiKeyCommand, scimTokenCommand } from "@/scripts/cli/commands/credentials";
import { PROVIDERS } from "../support/databases";
import { suiteDatabase } from "../support/suite-database";

// The JSON API authenticates bearer keys against getDb(); no console session is involved.
vi.mock("@/app/_server/principal", () => ({ getPrincipal: vi.fn(async () => null) }));

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Bootstrap without a browser, on both stores: the repo CLI creates the first
 * admin API key and SCIM tokens straight in the database, and with an admin
 * key the JSON API creates more — through the console's own domain
 * functions, so each is audited, the holder rule holds (a key can do no more
 * than the person holding it), and the secret appears once, in the answer.
 */
describe.each(PROVIDERS)("bootstrap credentials on %s", (provider) => {
  const suite = suiteDatabase(provider);
  const holder = globalThis as unknown as { __mandateDb?: Db };
  let previous: Db | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    previous = holder.__mandateDb;
    holder.__mandateDb = suite.db;
    const config = suite.fresh.config;
    env = { DATABASE_URL: config.provider === "sqlite" ? `file:${config.file}` : config.url };
    await suite.db.user.create({
      data: { email: "ada@boot.test", displayName: "Ada", source: "local", roles: { create: [{ role: "admin" }] } },
    });
    await suite.db.user.create({
      data: { email: "rex@boot.test", displayName: "Rex", source: "local", roles: { create: [{ role: "reviewer" }] } },
    });
  });
  afterAll(() => {
    holder.__mandateDb = previous;
  });

  /** Runs a CLI command as `npm run mandate -- …` would, capturing what it prints. */
  async function cli(command: typeof apiKeyCommand, args: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const io: CliIo = { env, log: (line) => lines.push(line) };
    const code = await command.run(args, io);
    return { code, lines };
  }
  const jsonOf = (lines: string[]) => JSON.parse(lines.at(-1) ?? "{}") as { id: string; secret: string; role?: string };

  async function call(handler: Handler, method: "GET" | "POST", path: string, key: string, body?: unknown) {
    const res = await handler(
      new NextRequest(`http://mandate.test${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
      { params: Promise.resolve({}) },
    );
    return {
      status: res.status,
      body: (await res.json()) as {
        data?: Record<string, unknown> & { key?: string; token?: string };
        error?: { code: string; message: string };
      },
    };
  }

  it("creates a holderless admin key from the CLI, audited as the system and the OS user; the key works once printed", async () => {
    const { code, lines } = await cli(apiKeyCommand, [
      "create",
      "--name",
      "CI bootstrap",
      "--role",
      "admin",
      "--expires-in-days",
      "30",
      "--json",
    ]);
    expect(code).toBe(0);
    const created = jsonOf(lines);
    expect(created.secret).toMatch(/^mdt_/);
    const row = await suite.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ role: "admin", createdById: null });
    // Only its hash is stored.
    expect(JSON.stringify(row)).not.toContain(created.secret);
    const event = await suite.db.auditEvent.findFirstOrThrow({
      where: { action: "apikey.created", targetId: created.id },
    });
    expect(event).toMatchObject({ actorType: "system", decision: "allow" });
    expect(event.actorLabel).toMatch(/^mandate CLI \(OS user .+\)$/);

    const me = await call(getMe as Handler, "GET", "/api/v1/me", created.secret);
    expect(me.status).toBe(200);
    // Listing never shows a secret.
    const listed = await call(listKeys as Handler, "GET", "/api/v1/api-keys", created.secret);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
  });

  it("creates SCIM tokens from the CLI and through the JSON API; each authenticates and is audited", async () => {
    const fromCli = jsonOf((await cli(scimTokenCommand, ["create", "--name", "Okta provisioning", "--json"])).lines);
    expect(await authenticateScimToken(suite.db, fromCli.secret)).toMatchObject({
      id: fromCli.id,
      name: "Okta provisioning",
    });

    const admin = jsonOf(
      (await cli(apiKeyCommand, ["create", "--name", "Directory bot", "--role", "admin", "--json"])).lines,
    );
    const made = await call(postScimToken as Handler, "POST", "/api/v1/scim-tokens", admin.secret, {
      name: "Entra provisioning",
    });
    expect(made.status).toBe(200);
    const token = made.body.data?.token ?? "";
    expect(await authenticateScimToken(suite.db, token)).toMatchObject({ name: "Entra provisioning" });
    const event = await suite.db.auditEvent.findFirstOrThrow({
      where: { action: "directory.scim_token_created", targetId: String(made.body.data?.id) },
    });
    expect(event).toMatchObject({ actorType: "apikey", actorLabel: "API key Directory bot" });
    const listed = await call(listScimTokens as Handler, "GET", "/api/v1/scim-tokens", admin.secret);
    expect(JSON.stringify(listed.body)).toContain("Entra provisioning");
    expect(JSON.stringify(listed.body)).not.toContain(token);
  });

  it("keeps the holder rule: a person's key can create only keys within that person's roles, from the CLI (--as) and the API", async () => {
    const ada = jsonOf(
      (
        await cli(apiKeyCommand, [
          "create",
          "--name",
          "Ada automation",
          "--role",
          "admin",
          "--as",
          "ada@boot.test",
          "--json",
        ])
      ).lines,
    );
    const adaId = (await suite.db.user.findUniqueOrThrow({ where: { email: "ada@boot.test" } })).id;
    expect(await suite.db.apiKey.findUniqueOrThrow({ where: { id: ada.id } })).toMatchObject({ createdById: adaId });

    const before = await suite.db.apiKey.count();
    // The admin role does not include deciding reviews: Ada cannot hold a reviewer key.
    const beyond = await call(postKey as Handler, "POST", "/api/v1/api-keys", ada.secret, {
      name: "Reviewer bot",
      role: "reviewer",
      expiresInDays: 7,
    });
    expect(beyond.status).toBe(403);
    expect(beyond.body.error?.code).toBe("separation_of_duties");
    await expect(
      cli(apiKeyCommand, ["create", "--name", "Reviewer bot", "--role", "reviewer", "--as", "ada@boot.test"]),
    ).rejects.toMatchObject({ code: "separation_of_duties" });
    expect(await suite.db.apiKey.count()).toBe(before);

    // Within her roles it works, and the new key is hers too (it ends with her).
    const within = await call(postKey as Handler, "POST", "/api/v1/api-keys", ada.secret, {
      name: "Ada CI",
      role: "admin",
    });
    expect(within.status).toBe(200);
    const newKey = within.body.data?.key ?? "";
    expect(newKey).toMatch(/^mdt_/);
    expect(await suite.db.apiKey.findUniqueOrThrow({ where: { id: String(within.body.data?.id) } })).toMatchObject({
      createdById: adaId,
      expiresAt: null,
    });
    expect((await call(getMe as Handler, "GET", "/api/v1/me", newKey)).status).toBe(200);

    // Someone without api_keys.manage cannot act through the CLI either.
    await expect(
      cli(apiKeyCommand, ["create", "--name", "Rex bot", "--role", "reviewer", "--as", "rex@boot.test"]),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(await suite.db.apiKey.count()).toBe(before + 1);
  });

  it("refuses bad input with a usage error (CLI) or 422 (API), creating nothing", async () => {
    const before = await suite.db.apiKey.count();
    await expect(cli(apiKeyCommand, ["create", "--name", "Bad", "--role", "root"])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(apiKeyCommand, ["rotate"])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(scimTokenCommand, ["create", "--name", "x"])).rejects.toBeInstanceOf(UsageError);
    const admin = jsonOf((await cli(apiKeyCommand, ["create", "--name", "Probe", "--role", "admin", "--json"])).lines);
    const bad = await call(postKey as Handler, "POST", "/api/v1/api-keys", admin.secret, {
      name: "Bad",
      role: "admin",
      expiresInDays: 9999,
    });
    expect(bad.status).toBe(422);
    expect(await suite.db.apiKey.count()).toBe(before + 1);
    expect((await verifyAuditChain(suite.db)).firstBroken).toBeNull();
  });
});
