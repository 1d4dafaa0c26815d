"use client";

import { Contact, UsersRound, Workflow } from "lucide-react";
import { SectionTabs, type SectionTab } from "@/components/ui/section-tabs";

const ITEMS: readonly SectionTab[] = [
  { slug: "sync", label: "Sync & offboarding", href: "/directory", icon: Workflow },
  { slug: "people", label: "People", href: "/directory/people", icon: Contact },
  { slug: "groups", label: "Groups", href: "/directory/groups", icon: UsersRound },
];

/** The Directory area's sections, as tabs under the page title. */
export function DirectoryNav() {
  return <SectionTabs label="Directory" testIdPrefix="directory-nav" items={ITEMS} />;
}
