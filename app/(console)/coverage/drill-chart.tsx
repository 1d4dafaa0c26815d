import type { DrillReport } from "@/lib/drills/drill-result";

const W = 640;
const H = 160;
const PAD = 28;

/**
 * Time to refusal per drill over time (slowest enforcement point), with the
 * target as a dashed line; a drill that never saw a refusal is drawn at the
 * top in the danger colour. Plain SVG: a handful of points needs no library.
 */
export function DrillChart({
  drills,
  targetMs,
}: {
  drills: Pick<DrillReport, "id" | "startedAt" | "slowestMs" | "outcome" | "serverName">[];
  targetMs: number;
}) {
  const points = [...drills].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  if (points.length === 0) return null;
  const max = Math.max(targetMs * 1.5, ...points.map((p) => p.slowestMs ?? 0));
  const t0 = points[0]!.startedAt.getTime();
  const span = Math.max(1, points[points.length - 1]!.startedAt.getTime() - t0);
  const x = (d: Date) => PAD + ((d.getTime() - t0) / span) * (W - 2 * PAD);
  const y = (ms: number) => H - PAD - (Math.min(ms, max) / max) * (H - 2 * PAD);
  return (
    <figure className="grid gap-2" data-testid="drill-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-40 w-full"
        role="img"
        aria-label={`Time to refusal of the last ${points.length} drills against a ${targetMs} ms target`}
      >
        <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} className="stroke-border" />
        <line
          x1={PAD}
          x2={W - PAD}
          y1={y(targetMs)}
          y2={y(targetMs)}
          strokeDasharray="4 4"
          className="stroke-muted-foreground"
        />
        <text x={W - PAD} y={y(targetMs) - 4} textAnchor="end" className="fill-muted-foreground text-[10px]">
          target {targetMs} ms
        </text>
        {points.map((p) => (
          <circle
            key={p.id}
            cx={points.length === 1 ? W / 2 : x(p.startedAt)}
            cy={p.slowestMs === null ? PAD : y(p.slowestMs)}
            r={4}
            className={p.outcome === "passed" ? "fill-success" : "fill-destructive"}
          >
            <title>{`${p.serverName} ${p.startedAt.toISOString()}: ${p.slowestMs === null ? "not refused" : `${p.slowestMs} ms`} (${p.outcome})`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="text-xs text-muted-foreground">
        Slowest enforcement point per drill (green: passed, red: failed). Times are UTC.
      </figcaption>
    </figure>
  );
}
