import { Skeleton } from "@/components/ui/skeleton";

/** What a list page shows while its rows load: the shape of the page, not a spinner. */
export function TablePageSkeleton({
  label,
  columns = 5,
  rows = 8,
}: {
  label: string;
  columns?: number;
  rows?: number;
}) {
  return (
    <div className="grid gap-6" aria-busy="true">
      <span className="sr-only" role="status">
        Loading {label}…
      </span>
      <div className="grid gap-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <Skeleton className="h-9 w-full max-w-sm" />
      <div className="overflow-hidden rounded-xl border bg-card">
        <div className="flex gap-6 border-b bg-muted/50 px-3 py-3">
          {Array.from({ length: columns }, (_, index) => (
            <Skeleton key={index} className="h-3 flex-1" />
          ))}
        </div>
        {Array.from({ length: rows }, (_, row) => (
          <div key={row} className="flex gap-6 border-b px-3 py-3.5 last:border-0">
            {Array.from({ length: columns }, (_, column) => (
              <Skeleton key={column} className="h-4 flex-1" />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
