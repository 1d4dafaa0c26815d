import { ProductMark } from "./product-mark";

/** The bar above every console page: product name (always visible, also on narrow screens) and environment. */
export function TopBar() {
  return (
    <header
      data-slot="top-bar"
      className="sticky top-0 z-30 flex h-14 items-center justify-between gap-4 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 lg:px-8"
    >
      <div className="lg:hidden">
        <ProductMark />
      </div>
      <p className="hidden text-sm text-muted-foreground lg:block">Identity control plane for MCP agents</p>
      <span className="rounded-full border bg-card px-2.5 py-0.5 text-xs font-medium text-muted-foreground">
        Console
      </span>
    </header>
  );
}
