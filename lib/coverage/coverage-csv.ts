import type { CoverageMap } from "./coverage-map";

const COLUMNS = [
  "server",
  "resource_uri",
  "enforcement_path",
  "revocation_time",
  "proven",
  "last_drill_at",
  "last_drill_outcome",
  "last_drill_slowest_ms",
  "receivers",
  "agents",
  "people",
  "traffic_30d",
  "traffic_basis",
  "missing",
] as const;

/** RFC 4180: quote a field holding a comma, quote or line break; double its quotes. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value; // never a formula when opened in a spreadsheet
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The coverage map as CSV, one row per server (unmanaged ones included). */
export function coverageCsv(map: CoverageMap): string {
  const lines = [COLUMNS.join(",")];
  for (const r of map.rows) {
    const receivers = r.receivers.map(
      (x) =>
        `${x.name} <${x.url}> ${x.enabled ? (x.lastStatus ?? "no deliveries") : "disabled"}${x.lastDeliveredAt ? ` last ${x.lastDeliveredAt.toISOString()}` : ""}`,
    );
    const values: Record<(typeof COLUMNS)[number], string> = {
      server: r.name,
      resource_uri: r.resourceUri,
      enforcement_path: r.path,
      revocation_time: r.revocationTime,
      proven: r.proven ? "yes" : "no",
      last_drill_at: r.lastDrill?.at.toISOString() ?? "",
      last_drill_outcome: r.lastDrill?.outcome ?? "",
      last_drill_slowest_ms: r.lastDrill?.slowestMs?.toString() ?? "",
      receivers: receivers.join("; "),
      agents: r.agents.map((a) => a.name).join("; "),
      people: String(r.people),
      traffic_30d: String(r.traffic),
      traffic_basis: r.trafficBasis,
      missing: r.missing.join("; "),
    };
    lines.push(COLUMNS.map((c) => field(values[c])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
