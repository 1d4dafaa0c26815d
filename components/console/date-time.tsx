import { formatDate, formatDateTime } from "@/lib/utils/format";

/** A machine-readable <time> whose tooltip carries the exact instant. */
export function DateTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums text-muted-foreground">
      {dateOnly ? formatDate(iso) : formatDateTime(iso)}
    </time>
  );
}
