"use client";

import { Download } from "lucide-react";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";

const FORMATS = [
  { value: "jsonl", label: "JSON Lines" },
  { value: "csv", label: "CSV" },
  { value: "ocsf", label: "OCSF (JSON)" },
] as const;

/**
 * Downloads the filtered range from the streamed export API, showing progress:
 * the response says how many events match (X-Total-Count) and every event is
 * one line, so counting lines as they arrive gives the share done.
 */
export function ExportButton({ query }: { query: string }) {
  const [format, setFormat] = useState<(typeof FORMATS)[number]["value"]>("jsonl");
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    try {
      const params = new URLSearchParams(query);
      params.set("format", format);
      const res = await fetch(`/api/v1/audit/events?${params}`, { signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`Export failed (${res.status})`);
      const total = Number(res.headers.get("x-total-count") ?? 0);
      const name =
        /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `mandate-audit.${format}`;
      const overhead = format === "jsonl" ? 0 : 1; // the CSV header line, OCSF's opening bracket
      setProgress({ done: 0, total });
      const reader = res.body.getReader();
      const parts: BlobPart[] = [];
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        setProgress({ done: Math.min(Math.max(lines - overhead, 0), total), total });
      }
      const url = URL.createObjectURL(
        new Blob(parts, { type: res.headers.get("content-type") ?? "application/octet-stream" }),
      );
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast.success(`Exported ${total.toLocaleString("en-US")} events`);
    } catch (e) {
      if (!controller.signal.aborted) toast.error(e instanceof Error ? e.message : "Export failed");
    } finally {
      abort.current = null;
      setProgress(null);
    }
  }

  const share = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="audit-export">
      <div className="w-36">
        <Select
          aria-label="Export format"
          value={format}
          onChange={(e) => setFormat(e.target.value as typeof format)}
          disabled={progress !== null}
          data-testid="audit-export-format"
        >
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </Select>
      </div>
      {progress ? (
        <>
          <div
            role="progressbar"
            aria-label="Export progress"
            aria-valuemin={0}
            aria-valuemax={progress.total}
            aria-valuenow={progress.done}
            className="h-2 w-32 overflow-hidden rounded-full bg-muted"
            data-testid="audit-export-progress"
          >
            <div className="h-full bg-primary transition-[width]" style={{ width: `${share}%` }} />
          </div>
          <span className="text-xs tabular-nums text-muted-foreground">
            {progress.done.toLocaleString("en-US")} / {progress.total.toLocaleString("en-US")}
          </span>
          <Button size="sm" variant="ghost" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        </>
      ) : (
        <Button size="sm" variant="outline" onClick={run} data-testid="audit-export-start">
          <Download aria-hidden />
          Export
        </Button>
      )}
    </div>
  );
}
