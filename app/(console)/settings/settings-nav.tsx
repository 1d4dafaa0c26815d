"use client";

import { FileCode2, KeyRound, KeySquare, RadioTower, SlidersHorizontal, UsersRound } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils/cn";

const ITEMS = [
  { slug: "general", label: "General", href: "/settings", icon: SlidersHorizontal },
  { slug: "people", label: "People & roles", href: "/settings/people", icon: UsersRound },
  { slug: "api-keys", label: "API keys", href: "/settings/api-keys", icon: KeyRound },
  { slug: "signing-keys", label: "Signing keys", href: "/settings/signing-keys", icon: KeySquare },
  { slug: "policy", label: "Policy", href: "/settings/policy", icon: FileCode2 },
  { slug: "event-receivers", label: "Event receivers", href: "/settings/event-receivers", icon: RadioTower },
] as const;

/** The Settings area's sections, as tabs under the page title. */
export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="-mt-2 overflow-x-auto border-b">
      <ul className="flex gap-1">
        {ITEMS.map((item) => {
          const active = pathname === item.href;
          const Icon = item.icon;
          return (
            <li key={item.slug}>
              <Link
                href={item.href}
                data-testid={`settings-nav-${item.slug}`}
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
