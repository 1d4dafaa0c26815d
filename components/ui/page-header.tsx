import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

export type PageHeaderProps = {
  title: string;
  description?: ReactNode;
  /** Page-level actions, aligned to the right on wide screens. */
  actions?: ReactNode;
  className?: string;
};

/**
 * The title block gives way (it wraps) and the actions never do: a long
 * session or campaign name must not push Revoke or Report off the page.
 */
export function PageHeader({ title, description, actions, className }: PageHeaderProps) {
  return (
    <div
      data-slot="page-header"
      className={cn("flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between", className)}
    >
      <div className="grid min-w-0 gap-1">
        <h1 className="text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]">{title}</h1>
        {description ? (
          <div className="text-sm text-muted-foreground [overflow-wrap:anywhere]">{description}</div>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2 sm:justify-end">{actions}</div> : null}
    </div>
  );
}
