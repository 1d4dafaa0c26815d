import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { permissionForPath } from "@/components/console/page-permissions";

/**
 * The console layout refuses a page (with a real 403) by the permission
 * permissionForPath gives its path; the page refuses by its own
 * requirePermission call. Every console page is discovered from the file tree
 * and the two must agree, so a new page needing more than its place cannot
 * fall back to a forbidden page served with status 200.
 */

const CONSOLE = fileURLToPath(new URL("../../app/(console)", import.meta.url));

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pages(join(dir, e.name)) : e.name === "page.tsx" ? [join(dir, e.name)] : [],
  );
}

/** app/(console)/servers/[id]/edit/page.tsx → /servers/some-id/edit */
function urlOf(file: string): string {
  const segments = relative(CONSOLE, file)
    .split(sep)
    .slice(0, -1)
    .filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.map((s) => (/^\[.*\]$/.test(s) ? "some-id" : s)).join("/")}`;
}

const cases = pages(CONSOLE).map((file) => {
  const guard = /requirePermission\("([a-z_.]+)"\)/.exec(readFileSync(file, "utf8"));
  return { url: urlOf(file), permission: guard?.[1] };
});

describe("console page permissions", () => {
  it("finds the console's pages", () => {
    expect(cases.map((c) => c.url)).toEqual(
      expect.arrayContaining(["/", "/servers/new", "/servers/some-id/edit", "/access/scope-review/some-id"]),
    );
  });

  it.each(cases)("$url: the layout checks what the page checks", ({ url, permission }) => {
    expect(permission, `${url} should call requirePermission`).toBeDefined();
    expect(permissionForPath(url)).toBe(permission);
  });

  it("ignores a trailing slash and leaves paths outside the console's places alone", () => {
    expect(permissionForPath("/servers/new/")).toBe("servers.manage");
    expect(permissionForPath("/servers/abc")).toBe("inventory.view");
    expect(permissionForPath("/signin")).toBeUndefined();
  });
});
