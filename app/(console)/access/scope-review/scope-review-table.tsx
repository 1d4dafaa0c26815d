"use client";

import { Bot } from "lucide-react";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { AgentScopeUsage } from "@/lib/reviews/scope-usage";
import { scopeReviewColumns } from "./columns";

export function ScopeReviewTable({ rows }: { rows: AgentScopeUsage[] }) {
  return (
    <DataTable
      label="Agents: granted versus used tools"
      columns={scopeReviewColumns}
      data={rows}
      getRowId={(r) => r.agentId}
      searchPlaceholder="Filter agents…"
      emptyState={
        <EmptyState
          icon={Bot}
          title="No agents yet"
          description="Once agents hold assignments, their granted and used tools show up here."
        />
      }
    />
  );
}
