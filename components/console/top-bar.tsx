import type { ConsoleRole } from "@/lib/auth/permissions";
import { AccountMenu } from "./account-menu";
import { ProductMark } from "./product-mark";

export interface SignedInPerson {
  displayName: string;
  email: string;
  roles: ConsoleRole[];
}

/** The bar above every console page: product name and the signed-in person. */
export function TopBar({ person }: { person: SignedInPerson }) {
  return (
    <header
      data-slot="top-bar"
      className="sticky top-0 z-30 flex h-[var(--console-top-bar-height)] print:hidden items-center justify-between gap-4 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 lg:px-8"
    >
      <div className="lg:hidden">
        <ProductMark />
      </div>
      <p className="hidden text-sm text-muted-foreground lg:block">Identity control plane for MCP agents</p>
      <AccountMenu person={person} />
    </header>
  );
}
