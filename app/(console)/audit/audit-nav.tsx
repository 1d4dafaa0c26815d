"use client";

import { BarChart3, ListTree } from "lucide-react";
import { SectionTabs, type SectionTab } from "@/components/ui/section-tabs";

const ITEMS: readonly SectionTab[] = [
  { slug: "timeline", label: "Timeline", href: "/audit", icon: ListTree },
  { slug: "charts", label: "Charts", href: "/audit/charts", icon: BarChart3 },
];

/** The audit area's views, as tabs under the page title. */
export function AuditNav() {
  return <SectionTabs label="Audit views" testIdPrefix="audit-nav" items={ITEMS} />;
}
