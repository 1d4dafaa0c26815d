import {
  Bot,
  ClipboardCheck,
  KeyRound,
  LayoutDashboard,
  type LucideIcon,
  Radio,
  ScrollText,
  Server,
  Settings,
} from "lucide-react";

export type NavItem = {
  /** Used in `data-testid="nav-<slug>"`. */
  slug: string;
  label: string;
  href: string;
  icon: LucideIcon;
};

export type NavSection = { label: string; items: NavItem[] };

/** The console's places, in the order an IAM admin meets them. */
export const navSections: NavSection[] = [
  {
    label: "Monitor",
    items: [{ slug: "overview", label: "Overview", href: "/", icon: LayoutDashboard }],
  },
  {
    label: "Identity",
    items: [
      { slug: "agents", label: "Agents", href: "/agents", icon: Bot },
      { slug: "servers", label: "MCP servers", href: "/servers", icon: Server },
      { slug: "entitlements", label: "Entitlements", href: "/entitlements", icon: KeyRound },
    ],
  },
  {
    label: "Operate",
    items: [
      { slug: "sessions", label: "Sessions", href: "/sessions", icon: Radio },
      { slug: "reviews", label: "Reviews", href: "/reviews", icon: ClipboardCheck },
      { slug: "audit", label: "Audit", href: "/audit", icon: ScrollText },
    ],
  },
  {
    label: "System",
    items: [{ slug: "settings", label: "Settings", href: "/settings", icon: Settings }],
  },
];

/** The overview matches only itself; other places also own their sub-pages (/agents/123). */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === "/") return pathname === "/";
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
