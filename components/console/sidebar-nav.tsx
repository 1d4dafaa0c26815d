"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils/cn";
import { isActive, navSections } from "./nav-items";

/** `allowed`: the nav slugs the signed-in person may open, decided on the server. */
export function SidebarNav({ allowed }: { allowed: readonly string[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="flex gap-4 lg:grid lg:gap-5">
      {navSections
        .map((section) => ({ ...section, items: section.items.filter((i) => allowed.includes(i.slug)) }))
        .filter((section) => section.items.length > 0)
        .map((section) => (
          <div key={section.label} className="flex items-center gap-1 lg:grid">
            <p className="hidden px-3 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground lg:block">
              {section.label}
            </p>
            <ul className="flex gap-0.5 lg:grid">
              {section.items.map((item) => {
                const active = isActive(item, pathname);
                const Icon = item.icon;
                return (
                  <li key={item.slug}>
                    <Link
                      href={item.href}
                      data-testid={`nav-${item.slug}`}
                      aria-current={active ? "page" : undefined}
                      className={cn(
                        "flex items-center gap-2.5 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50",
                        active
                          ? "bg-card text-foreground shadow-xs ring-1 ring-border"
                          : "text-sidebar-foreground hover:bg-accent/60 hover:text-foreground",
                      )}
                    >
                      <Icon className={cn("size-4", active ? "text-primary" : "text-muted-foreground")} aria-hidden />
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
    </nav>
  );
}
