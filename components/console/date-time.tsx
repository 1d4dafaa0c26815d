import { formatDate, formatDateTime } from "@/lib/utils/format";

/**
 * A machine-readable <time> whose tooltip carries the exact instant. `stacked` puts the date above the time, for
 * narrow table columns where one line would push the table past the window.
 */
export function DateTime({
  iso,
  dateOnly = false,
  stacked = false,
}: {
  iso: string;
  dateOnly?: boolean;
  stacked?: boolean;
}) {
  const text = dateOnly ? formatDate(iso) : formatDateTime(iso);
  const split = stacked && !dateOnly ? text.indexOf(" ") : -1;
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums text-muted-foreground">
      {split > 0 ? (
        <>
          <span className="block">{text.slice(0, split)}</span> <span className="block">{text.slice(split + 1)}</span>
        </>
      ) : (
        text
      )}
    </time>
  );
}
