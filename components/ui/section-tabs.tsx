"use client";

import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils/cn";

export interface SectionTab {
  slug: string;
  label: string;
  href: string;
  icon: LucideIcon;
}

/**
 * An area's sections as tabs under its page title (Settings, Audit, Directory).
 * Client-only: the icons are components, which cannot cross from a server
 * component, so each area keeps a small "use client" file with its list.
 */
export function SectionTabs({
  label,
  testIdPrefix,
  items,
}: {
  label: string;
  testIdPrefix: string;
  items: readonly SectionTab[];
}) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="-mt-2 border-b">
      {/* Tabs wrap onto a second row rather than hiding behind a sideways scroll. */}
      <ul className="flex flex-wrap gap-x-1">
        {items.map((item) => {
          const active = pathname === item.href;
          const Icon = item.icon;
          return (
            <li key={item.slug}>
              <Link
                href={item.href}
                data-testid={`${testIdPrefix}-${item.slug}`}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "-mb-px flex items-center gap-2 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  active
                    ? "border-primary text-foreground"
                    : "border-transparent text-muted-foreground hover:text-foreground",
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
