"use client";

import {
  Fingerprint,
  FileCode2,
  FolderSync,
  KeyRound,
  KeySquare,
  RadioTower,
  SlidersHorizontal,
  UsersRound,
} from "lucide-react";
import { SectionTabs, type SectionTab } from "@/components/ui/section-tabs";

const ITEMS: readonly SectionTab[] = [
  { slug: "general", label: "General", href: "/settings", icon: SlidersHorizontal },
  { slug: "people", label: "People & roles", href: "/settings/people", icon: UsersRound },
  { slug: "api-keys", label: "API keys", href: "/settings/api-keys", icon: KeyRound },
  { slug: "scim-tokens", label: "SCIM tokens", href: "/settings/scim-tokens", icon: FolderSync },
  { slug: "identity-providers", label: "Identity providers", href: "/settings/identity-providers", icon: Fingerprint },
  { slug: "signing-keys", label: "Signing keys", href: "/settings/signing-keys", icon: KeySquare },
  { slug: "policy", label: "Policy", href: "/settings/policy", icon: FileCode2 },
  { slug: "event-receivers", label: "Event receivers", href: "/settings/event-receivers", icon: RadioTower },
];

/** The Settings area's sections, as tabs under the page title. */
export function SettingsNav() {
  return <SectionTabs label="Settings" testIdPrefix="settings-nav" items={ITEMS} />;
}
