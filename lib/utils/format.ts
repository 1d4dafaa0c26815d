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

const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export function formatDateTime(iso: string): string {
  // "Nov 27, 2026, 17:25" → "Nov 27, 2026 17:25": one comma fewer keeps table columns narrow.
  return dateTimeFormat.format(new Date(iso)).replace(/, (\d{2}:\d{2})$/, " $1");
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

