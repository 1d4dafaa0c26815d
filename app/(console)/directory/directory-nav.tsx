"use client";

import { Contact, UsersRound, Workflow } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils/cn";

const ITEMS = [
  { slug: "sync", label: "Sync & offboarding", href: "/directory", icon: Workflow },
  { slug: "people", label: "People", href: "/directory/people", icon: Contact },
  { slug: "groups", label: "Groups", href: "/directory/groups", icon: UsersRound },
] as const;

/** The Directory area's sections, as tabs under the page title. */
export function DirectoryNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Directory" className="-mt-2 overflow-x-auto border-b">
      <ul className="flex gap-1">
        {ITEMS.map((item) => {
          const active = pathname === item.href;
          const Icon = item.icon;
          return (
            <li key={item.slug}>
              <Link
                href={item.href}
                data-testid={`directory-nav-${item.slug}`}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "-mb-px flex items-center gap-2 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  active ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
                )}
              >
                <Icon className={cn("size-4", active ? "text-primary" : "text-muted-foreground")} aria-hidden />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
