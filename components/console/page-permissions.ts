import type { Permission } from "@/lib/auth/permissions";
import { isActive, navSections } from "./nav-items";

/**
 * Console pages that need more than the place they sit under (an auditor may
 * see /servers but not register one). The console layout checks these before
 * any loading boundary streams, so such a page answers a real 403 rather than
 * a forbidden page with status 200. Each page still checks for itself;
 * tests/unit/page-permissions.test.ts keeps this list and the pages in step.
 */
const STRICTER_PAGES: readonly { pattern: RegExp; permission: Permission }[] = [
  { pattern: /^\/agents\/new$/, permission: "agents.manage" },
  { pattern: /^\/servers\/new$/, permission: "servers.manage" },
  { pattern: /^\/servers\/[^/]+\/edit$/, permission: "servers.manage" },
  { pattern: /^\/entitlements\/new$/, permission: "entitlements.manage" },
  { pattern: /^\/entitlements\/[^/]+\/edit$/, permission: "entitlements.manage" },
  { pattern: /^\/access\/scope-review(\/[^/]+)?$/, permission: "scope_review.view" },
  { pattern: /^\/reviews\/new$/, permission: "reviews.manage" },
  { pattern: /^\/reviews\/inbox$/, permission: "reviews.decide" },
];

/** The permission a console path needs: its own if it is stricter than its place, else its place's; undefined outside the console's places. */
export function permissionForPath(pathname: string): Permission | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const page = STRICTER_PAGES.find((p) => p.pattern.test(path));
  if (page) return page.permission;
  return navSections.flatMap((s) => s.items).find((i) => isActive(i, path))?.permission;
}
