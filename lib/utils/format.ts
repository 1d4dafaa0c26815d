/**
 * Formatting shared by server and client renders. Times are shown in UTC (pages say
 * so; the exact ISO instant is in each cell's tooltip): the server and the browser
 * may sit in different time zones, and an audit trail must read the same to everyone.
 */
const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

const dateFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

/** "Nov 27, 2026 17:25 UTC": every time the console shows names its zone, so 17:00 is never taken for local time. */
export function formatDateTime(iso: string): string {
  // "Nov 27, 2026, 17:25" → "Nov 27, 2026 17:25": one comma fewer keeps table columns narrow.
  return `${dateTimeFormat.format(new Date(iso)).replace(/, (\d{2}:\d{2})$/, " $1")} UTC`;
}

/**
 * A `datetime-local` value ("2026-12-07T17:00") read as UTC — the zone the
 * console shows times in — as an ISO instant; undefined when empty or invalid.
 */
export function utcInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const d = new Date(`${value}Z`);
  // Date rolls "Feb 31" over into March: a value that does not survive the round trip is not a real time.
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 16) !== value.slice(0, 16) ? undefined : d.toISOString();
}

export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** 28800 → "8h", 5400 → "1h 30m", 90 → "1m 30s". */
export function formatDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    days ? `${days}d` : "",
    hours ? `${hours}h` : "",
    minutes ? `${minutes}m` : "",
    seconds && !days && !hours ? `${seconds}s` : "",
  ].filter(Boolean);
  return parts.length ? parts.slice(0, 2).join(" ") : "0s";
}
