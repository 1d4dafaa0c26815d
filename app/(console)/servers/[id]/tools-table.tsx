"use client";

import { Wrench } from "lucide-react";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { ToolStatus } from "@/lib/db/generated/sqlite/enums";
import type { ServerTool } from "@/lib/servers/get-server";
import { toolColumns } from "./tool-columns";

const FILTERS = ["all", "pending", "approved", "rejected", "removed"] as const;
type Filter = (typeof FILTERS)[number];

/** A server's tools; a status filter, and pending tools tinted because they wait on an admin. */
export function ToolsTable({ tools, canApprove }: { tools: ServerTool[]; canApprove: boolean }) {
  const [filter, setFilter] = useState<Filter>("all");
  const columns = useMemo(() => toolColumns(canApprove), [canApprove]);
  const counts = useMemo(() => {
    const c: Record<Filter, number> = { all: tools.length, pending: 0, approved: 0, rejected: 0, removed: 0 };
    for (const t of tools) c[t.status as ToolStatus] += 1;
    return c;
  }, [tools]);
  const shown = filter === "all" ? tools : tools.filter((t) => t.status === filter);

  const filters = (
    <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1">
      {FILTERS.map((f) => (
        <Button
          key={f}
          size="sm"
          variant={filter === f ? "secondary" : "ghost"}
          aria-pressed={filter === f}
          onClick={() => setFilter(f)}
          data-testid={`tool-filter-${f}`}
          className="capitalize"
        >
          {f} <span className="tabular-nums text-muted-foreground">{counts[f]}</span>
        </Button>
      ))}
    </div>
  );

  if (tools.length === 0) {
    return (
      <EmptyState
        icon={Wrench}
        title="No tools imported yet"
        description="Sync tools to read the server's tool list over MCP. New tools arrive pending and cannot be granted until approved."
      />
    );
  }
  return (
    <DataTable
      // Remount on filter change: the table's own search and page reset with it.
      key={filter}
      label="Tools"
      columns={columns}
      data={shown}
      getRowId={(tool) => tool.id}
      searchPlaceholder="Search tools…"
      toolbarActions={filters}
      rowState={(tool) => (tool.status === "pending" ? "attention" : undefined)}
      pageSize={50}
      emptyState={
        <div className="grid gap-3">
          {filters}
          <EmptyState icon={Wrench} title={`No ${filter} tools`} description="Choose another status to see the rest." />
        </div>
      }
    />
  );
}
