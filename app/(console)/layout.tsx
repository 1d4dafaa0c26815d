import type { ReactNode } from "react";
import { headers } from "next/headers";
import { forbidden } from "next/navigation";
import { ProductMark } from "@/components/console/product-mark";
import { SidebarNav } from "@/components/console/sidebar-nav";
import { SkipLink } from "@/components/console/skip-link";
import { TopBar } from "@/components/console/top-bar";
import { navSections } from "@/components/console/nav-items";
import { permissionForPath } from "@/components/console/page-permissions";
import { can } from "@/lib/auth/principal";
import { requirePrincipal } from "@/app/_server/principal";

const MAIN_ID = "main-content";

/**
 * The console frame. The navigation is rendered once (a sidebar on wide screens,
 * a scrollable strip on narrow ones) so each nav test id exists exactly once.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Pages check their own permission too: a layout does not re-run on every navigation.
  const principal = await requirePrincipal();
  const places = navSections.flatMap((s) => s.items);
  // A page's own forbidden() runs inside the loading boundary, after a 200 has
  // been streamed; checked here too (the place's permission, or a stricter
  // page's own), a console page answers a real 403.
  const path = (await headers()).get("x-mandate-path")?.split("?")[0];
  const needed = path ? permissionForPath(path) : undefined;
  if (needed && !can(principal, needed)) forbidden();
  const allowed = places.filter((i) => can(principal, i.permission)).map((i) => i.slug);
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <SkipLink targetId={MAIN_ID} />
      <aside className="border-b bg-sidebar print:hidden lg:sticky lg:top-0 lg:flex lg:h-dvh lg:flex-col lg:border-b-0 lg:border-r">
        <div className="hidden h-14 shrink-0 items-center border-b px-5 lg:flex">
          <ProductMark />
        </div>
        <div className="overflow-x-auto px-3 py-3 lg:flex-1 lg:overflow-y-auto lg:py-5">
          <SidebarNav allowed={allowed} />
        </div>
        <p className="hidden border-t px-5 py-3 text-xs text-muted-foreground lg:block">Open source · Apache-2.0</p>
      </aside>
      <div className="flex min-w-0 flex-col">
        <TopBar person={{ displayName: principal.displayName, email: principal.email, roles: principal.roles }} />
        <main id={MAIN_ID} tabIndex={-1} className="flex-1 px-4 py-8 outline-none lg:px-8">
          <div className="mx-auto grid w-full max-w-7xl gap-6">{children}</div>
        </main>
      </div>
    </div>
  );
}
