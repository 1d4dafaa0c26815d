import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

export type EmptyStateProps = {
  icon: LucideIcon;
  title: string;
  description: ReactNode;
  /** Usually a Button (or a link styled as one) that gets the person unstuck. */
  action?: ReactNode;
  className?: string;
};

export function EmptyState({ icon: Icon, title, description, action, className }: EmptyStateProps) {
  return (
    <div
      data-slot="empty-state"
      data-testid="empty-state"
      className={cn(
        "flex flex-col items-center justify-center gap-3 rounded-xl border border-dashed bg-card px-6 py-14 text-center",
        className,
      )}
    >
      <div className="flex size-11 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <Icon className="size-5" aria-hidden />
      </div>
      <div className="grid max-w-md gap-1">
        <p className="font-semibold">{title}</p>
        <div className="text-sm text-muted-foreground">{description}</div>
      </div>
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}
