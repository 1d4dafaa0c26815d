import type { ConsoleRole } from "@/lib/auth/permissions";
import { AccountMenu } from "./account-menu";
import { GlobalSearch } from "./global-search";
import { ProductMark } from "./product-mark";

export interface SignedInPerson {
  displayName: string;
  email: string;
  roles: ConsoleRole[];
}

/** The bar above every console page: product name, the global search and the signed-in person. */
export function TopBar({ person }: { person: SignedInPerson }) {
  return (
    <header
      data-slot="top-bar"
      className="sticky top-0 z-30 flex h-[var(--console-top-bar-height)] print:hidden items-center justify-between gap-4 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 lg:px-8"
    >
      <div className="lg:hidden">
        <ProductMark />
      </div>
      <p className="hidden shrink-0 text-sm text-muted-foreground xl:block">Identity control plane for MCP agents</p>
      <div className="flex min-w-0 flex-1 justify-end">
        <GlobalSearch />
      </div>
      <AccountMenu person={person} />
    </header>
  );
}
