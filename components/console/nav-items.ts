import {
  Bot,
  ClipboardCheck,
  Contact,
  KeyRound,
  LayoutDashboard,
  type LucideIcon,
  Network,
  Radio,
  ScrollText,
  Server,
  ShieldCheck,
  Settings,
} from "lucide-react";
import type { Permission } from "@/lib/auth/permissions";

export type NavItem = {
  /** Used in `data-testid="nav-<slug>"`. */
  slug: string;
  label: string;
  href: string;
  icon: LucideIcon;
  /** Shown only to roles holding this permission (the page itself checks it too). */
  permission: Permission;
};

export type NavSection = { label: string; items: NavItem[] };

/** The console's places, in the order an IAM admin meets them. */
export const navSections: NavSection[] = [
  {
    label: "Monitor",
    items: [{ slug: "overview", label: "Overview", href: "/", icon: LayoutDashboard, permission: "overview.view" }],
  },
  {
    label: "Identity",
    items: [
      { slug: "agents", label: "Agents", href: "/agents", icon: Bot, permission: "inventory.view" },
      { slug: "servers", label: "MCP servers", href: "/servers", icon: Server, permission: "inventory.view" },
      {
        slug: "entitlements",
        label: "Entitlements",
        href: "/entitlements",
        icon: KeyRound,
        permission: "inventory.view",
      },
      { slug: "access", label: "Access", href: "/access", icon: Network, permission: "inventory.view" },
      { slug: "directory", label: "Directory", href: "/directory", icon: Contact, permission: "people.view" },
    ],
  },
  {
    label: "Operate",
    items: [
      { slug: "sessions", label: "Sessions", href: "/sessions", icon: Radio, permission: "sessions.view" },
      { slug: "coverage", label: "Coverage", href: "/coverage", icon: ShieldCheck, permission: "coverage.view" },
      { slug: "reviews", label: "Reviews", href: "/reviews", icon: ClipboardCheck, permission: "reviews.view" },
      { slug: "audit", label: "Audit", href: "/audit", icon: ScrollText, permission: "audit.view" },
    ],
  },
  {
    label: "System",
    items: [{ slug: "settings", label: "Settings", href: "/settings", icon: Settings, permission: "settings.view" }],
  },
];

/** The overview matches only itself; other places also own their sub-pages (/agents/123). */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === "/") return pathname === "/";
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
