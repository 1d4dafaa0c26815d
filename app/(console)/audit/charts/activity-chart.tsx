import type { ActivityBucket } from "@/lib/audit/charts";

const SERIES = [
  { key: "mints", label: "Tokens minted", className: "stroke-primary", dot: "bg-primary" },
  { key: "toolCalls", label: "Tool calls", className: "stroke-success", dot: "bg-success" },
  { key: "denials", label: "Denials", className: "stroke-destructive", dot: "bg-destructive" },
] as const;

const W = 760;
const H = 220;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

function tickLabel(at: number, bucketMs: number): string {
  const iso = new Date(at).toISOString();
  return bucketMs < 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(5, 10);
}

/**
 * Three lines over time, drawn as plain SVG on the server: a few dozen points
 * need no chart library (and no client JavaScript); colours come from the
 * design tokens. Each series also gets a screen-reader table below.
 */
export function ActivityChart({ buckets, bucketMs }: { buckets: ActivityBucket[]; bucketMs: number }) {
  const max = Math.max(1, ...buckets.flatMap((b) => [b.mints, b.toolCalls, b.denials]));
  const x = (i: number) =>
    PAD.left + (buckets.length <= 1 ? 0 : (i / (buckets.length - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, Math.round(max / 2), max];
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 8));
  return (
    <figure className="grid gap-3" data-testid="audit-activity-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label="Mints, tool calls and denials over time"
        className="h-auto w-full"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(t)}
              y2={y(t)}
              className="stroke-border"
              strokeDasharray="3 3"
            />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="fill-muted-foreground text-[10px]">
              {t.toLocaleString("en-US")}
            </text>
          </g>
        ))}
        {buckets.map((b, i) =>
          i % labelEvery === 0 ? (
            <text key={b.at} x={x(i)} y={H - 6} textAnchor="middle" className="fill-muted-foreground text-[10px]">
              {tickLabel(b.at, bucketMs)}
            </text>
          ) : null,
        )}
        {SERIES.map((s) => (
          <polyline
            key={s.key}
            data-series={s.key}
            fill="none"
            strokeWidth={2}
            strokeLinejoin="round"
            className={s.className}
            points={buckets.map((b, i) => `${x(i).toFixed(1)},${y(b[s.key]).toFixed(1)}`).join(" ")}
          />
        ))}
      </svg>
      <figcaption className="flex flex-wrap gap-4 text-sm">
        {SERIES.map((s) => (
          <span key={s.key} className="flex items-center gap-2">
            <span className={`size-2.5 rounded-full ${s.dot}`} aria-hidden />
            {s.label}:{" "}
            <strong className="tabular-nums" data-testid={`audit-total-${s.key}`}>
              {buckets.reduce((n, b) => n + b[s.key], 0).toLocaleString("en-US")}
            </strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
