import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

export type StatCardProps = {
  label: string;
  value: number;
  /** Printed right after the number ("%"). */
  suffix?: string;
  icon: LucideIcon;
  /** A short line under the number: a breakdown or what the number means. */
  hint?: ReactNode;
  /** Where to go for the rows behind the number. */
  href?: string;
  /** Draws attention when the number asks for action (tools waiting for approval, say). */
  tone?: "default" | "attention";
  testId?: string;
};

const numberFormat = new Intl.NumberFormat("en-US");

export function StatCard({ label, value, suffix, icon: Icon, hint, href, tone = "default", testId }: StatCardProps) {
  const body = (
    <>
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium text-muted-foreground">{label}</span>
        <span
          className={cn(
            "flex size-8 items-center justify-center rounded-md",
            tone === "attention" && value > 0
              ? "bg-warning/15 text-warning-foreground"
              : "bg-accent text-accent-foreground",
          )}
        >
          <Icon className="size-4" aria-hidden />
        </span>
      </div>
      <span data-slot="stat-value" className="text-3xl font-semibold tabular-nums tracking-tight">
        {numberFormat.format(value)}
        {suffix}
      </span>
      {hint ? <span className="text-xs text-muted-foreground">{hint}</span> : null}
    </>
  );
  const className =
    "flex flex-col gap-2 rounded-xl border bg-card p-5 text-card-foreground shadow-xs outline-none transition-colors";
  if (href) {
    return (
      <Link
        href={href}
        data-slot="stat-card"
        data-testid={testId}
        className={cn(
          className,
          "hover:border-primary/40 hover:bg-accent/30 focus-visible:ring-[3px] focus-visible:ring-ring/50",
        )}
      >
        {body}
      </Link>
    );
  }
  return (
    <div data-slot="stat-card" data-testid={testId} className={className}>
      {body}
    </div>
  );
}
