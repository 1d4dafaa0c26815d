import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONSOLE_ROLES, PERMISSIONS, permissionsOf, type ConsoleRole, type Permission } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";

/**
 * The role × action matrix. Every server action ("use server" files) and every
 * JSON API route under app/ is discovered from the file tree, so a new one
 * cannot escape it: each must carry `.meta`, and for each role the expected
 * outcome is derived from the permission catalogue (permissionsOf), never
 * written by hand. Authorization must come before input validation, so the
 * calls use input no schema accepts: a role that passes authorization gets
 * invalid_input (or anything else but unauthenticated / forbidden).
 */

const state = vi.hoisted(() => ({ principal: null as Principal | null }));

vi.mock("@/app/_server/principal", () => ({
  getPrincipal: vi.fn(async () => state.principal),
  requirePrincipal: vi.fn(async () => {
    throw new Error("page guards are not part of the action matrix");
  }),
  requirePermission: vi.fn(async () => {
    throw new Error("page guards are not part of the action matrix");
  }),
}));
// Auth.js is not initialised: sign-in itself is covered by the db suite and e2e.
vi.mock("@/app/_server/auth", () => ({
  auth: vi.fn(async () => null),
  signIn: vi.fn(async () => undefined),
  signOut: vi.fn(async () => undefined),
  handlers: { GET: vi.fn(), POST: vi.fn() },
  ssoEnabled: false,
  ssoLabel: "Enterprise SSO",
}));
// next-auth itself cannot load outside Next (it imports "next/server" without an extension); actions only need its error classes.
vi.mock("next-auth", () => {
  class AuthError extends Error {}
  class CredentialsSignin extends AuthError {}
  return { default: vi.fn(), AuthError, CredentialsSignin };
});
vi.mock("next/headers", () => ({
  headers: vi.fn(async () => new Headers()),
  cookies: vi.fn(async () => ({ get: () => undefined, getAll: () => [], has: () => false })),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
// No database: authorization and validation must decide before any query runs.
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: () => {
    throw new Error("the role matrix runs without a database");
  },
}));

/** Actions callable without a session (signing in itself); each must be listed here on purpose. */
const PUBLIC_ACTIONS = [
  "sign-in-with-password",
  "sign-in-with-sso",
  // The consent screen of an interactive MCP client: any signed-in person, no console role (checked in the action).
  "continue-authorization",
  "decline-authorization",
  "sign-in-again-for-authorization",
];
/** Route files that are not the console API (Auth.js' own endpoints). */
const EXCLUDED_ROUTES = [join("app", "api", "auth", "[...nextauth]", "route.ts")];
/** Route segment config a route file may export besides its handlers. */
const ROUTE_CONFIG_EXPORTS = new Set([
  "dynamic",
  "dynamicParams",
  "revalidate",
  "fetchCache",
  "runtime",
  "preferredRegion",
  "maxDuration",
]);
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** No zod object schema accepts a string: the probe input every action must refuse *after* authorization. */
const PROBE_INPUT = "\u0000role-matrix-probe";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(path);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** True when the file's first statement is the "use server" directive (comments and whitespace may precede it). */
function isServerActionFile(path: string): boolean {
  const source = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  const rest = source.replace(/^(?:\s+|\/\/[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, "");
  return /^(["'])use server\1\s*(;|\n|$)/.test(rest);
}

/** The URL path a route file serves: route groups dropped, dynamic segments filled with a placeholder. */
function urlOf(routeFile: string): string {
  const segments = relative(join(ROOT, "app"), routeFile).split(sep).slice(0, -1);
  const path = segments
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => (s.startsWith("[") ? "matrix-probe" : s))
    .join("/");
  return `http://mandate.test/${path}`;
}

interface Meta {
  name?: string;
  permission: Permission | null;
}
type Callable = ((...args: unknown[]) => Promise<unknown>) & { meta?: Meta };

interface DiscoveredAction {
  file: string;
  exportName: string;
  fn: Callable;
  meta: Meta;
}
interface DiscoveredRoute {
  file: string;
  method: string;
  url: string;
  fn: Callable;
  meta: Meta;
}

const files = walk(join(ROOT, "app"));
const actionFiles = files.filter(isServerActionFile);
const routeFiles = files.filter((f) => /[\\/]route\.(ts|js)$/.test(f) && !EXCLUDED_ROUTES.includes(relative(ROOT, f)));

const actions: DiscoveredAction[] = [];
const routes: DiscoveredRoute[] = [];
/** Exports that would escape the matrix. */
const unmetered: string[] = [];

for (const file of actionFiles) {
  const mod = (await import(file)) as Record<string, unknown>;
  for (const [exportName, value] of Object.entries(mod)) {
    const fn = value as Callable;
    if (typeof fn !== "function" || !fn.meta) unmetered.push(`${relative(ROOT, file)}: ${exportName}`);
    else actions.push({ file: relative(ROOT, file), exportName, fn, meta: fn.meta });
  }
}
for (const file of routeFiles) {
  const mod = (await import(file)) as Record<string, unknown>;
  for (const [exportName, value] of Object.entries(mod)) {
    if (ROUTE_CONFIG_EXPORTS.has(exportName)) continue;
    const fn = value as Callable;
    if (!HTTP_METHODS.includes(exportName) || typeof fn !== "function" || !fn.meta)
      unmetered.push(`${relative(ROOT, file)}: ${exportName}`);
    else routes.push({ file: relative(ROOT, file), method: exportName, url: urlOf(file), fn, meta: fn.meta });
  }
}

const guardedActions = actions.filter((a) => a.meta.permission !== null);

type Case = { label: string; role: ConsoleRole | null };
const CASES: Case[] = [{ label: "no session", role: null }, ...CONSOLE_ROLES.map((role) => ({ label: role, role }))];

type Expected = "unauthenticated" | "forbidden" | "authorized";
function expectedFor(role: ConsoleRole | null, permission: Permission): Expected {
  if (role === null) return "unauthenticated";
  return permissionsOf([role]).has(permission) ? "authorized" : "forbidden";
}

function principalOf(role: ConsoleRole | null): Principal | null {
  return role === null
    ? null
    : {
        kind: "user",
        userId: `user-${role}`,
        email: `${role}@matrix.test`,
        displayName: `Matrix ${role}`,
        roles: [role],
        consoleSessionId: `session-${role}`,
      };
}

let consoleError: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  // Handlers that reach the (absent) database log an internal error; expected here.
  consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => consoleError.mockRestore());

describe("discovery", () => {
  it("finds the console's server actions and API routes", () => {
    expect(actionFiles.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining([
        join("app", "(auth)", "actions.ts"),
        join("app", "(console)", "settings", "people", "actions.ts"),
        join("app", "(console)", "settings", "api-keys", "actions.ts"),
      ]),
    );
    expect(routes.map((r) => `${r.method} ${r.file}`)).toEqual(
      expect.arrayContaining([
        `GET ${join("app", "api", "v1", "me", "route.ts")}`,
        `GET ${join("app", "api", "v1", "api-keys", "route.ts")}`,
      ]),
    );
  });

  it("gives every exported action and route handler its .meta, so none escapes this matrix", () => {
    expect(unmetered).toEqual([]);
  });

  it("names only permissions from the catalogue", () => {
    for (const x of [...guardedActions, ...routes]) expect(PERMISSIONS, `${x.file}`).toContain(x.meta.permission);
  });

  it("lets only the allow-listed actions be public", () => {
    const publicNames = actions.filter((a) => a.meta.permission === null).map((a) => a.meta.name);
    expect(publicNames.sort()).toEqual([...PUBLIC_ACTIONS].sort());
  });

  it("gives every action a unique name", () => {
    const names = actions.map((a) => a.meta.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(guardedActions.map((a) => [`${a.meta.name} (${a.file})`, a] as const))("action %s", (_label, action) => {
  it.each(CASES.map((c) => [c.label, c] as const))("as %s", async (_caseLabel, c) => {
    state.principal = principalOf(c.role);
    const expected = expectedFor(c.role, action.meta.permission!);
    const result = (await action.fn(PROBE_INPUT)) as { ok: boolean; error?: { code: string } } | undefined;
    expect(result, "an action answers with an ActionResult").toMatchObject({ ok: expect.any(Boolean) });
    if (expected === "authorized") {
      expect(result?.ok ? "ok" : result?.error?.code).not.toMatch(/^(unauthenticated|forbidden)$/);
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: expected } });
    }
  });
});

describe.each(routes.map((r) => [`${r.method} ${r.url.replace("http://mandate.test", "")}`, r] as const))(
  "route %s",
  (_label, route) => {
    it.each(CASES.map((c) => [c.label, c] as const))("as %s", async (_caseLabel, c) => {
      state.principal = principalOf(c.role);
      const expected = expectedFor(c.role, route.meta.permission!);
      const res = (await route.fn(new NextRequest(route.url, { method: route.method }), {
        params: Promise.resolve({}),
      })) as Response;
      expect(res).toBeInstanceOf(Response);
      if (expected === "unauthenticated") {
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      } else if (expected === "forbidden") {
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
      } else {
        expect([401, 403]).not.toContain(res.status);
      }
    });
  },
);
