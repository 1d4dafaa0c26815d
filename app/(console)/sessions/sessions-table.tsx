"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, Radio } from "lucide-react";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { DataTable, type ServerPagination } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { toast } from "@/components/ui/toast";
import { revokeSessionsAction } from "./actions";
import { sessionColumns } from "./columns";
import type { SessionRow } from "./session-row";
import type { PagePosition } from "@/lib/pagination/keyset";

/** The live view re-reads its page this often (react-query; paused while the tab is hidden). */
const REFRESH_MS = 5000;

interface Page {
  rows: SessionRow[];
  pagination: ServerPagination;
}

export function SessionsTable({
  initial,
  search,
  query,
  canRevoke,
  toolbarActions,
}: {
  initial: Page;
  /** The page's search params as a string: the same filters, cursor and search go to the JSON API. */
  search: string;
  query: string;
  canRevoke: boolean;
  toolbarActions?: React.ReactNode;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: ["sessions", search],
    queryFn: async (): Promise<Page> => {
      const r = await fetch(`/api/v1/sessions?${search}`, { headers: { accept: "application/json" } });
      if (!r.ok) throw new Error(`sessions: HTTP ${r.status}`);
      const body = (await r.json()) as {
        data: SessionRow[];
        nextCursor: string | null;
        prevCursor: string | null;
        position: PagePosition | null;
        pageSize: number;
      };
      return {
        rows: body.data,
        pagination: {
          nextCursor: body.nextCursor,
          prevCursor: body.prevCursor,
          position: body.position ?? undefined,
          pageSize: body.pageSize,
        },
      };
    },
    initialData: initial,
    initialDataUpdatedAt: Date.now(),
    staleTime: 0,
    refetchInterval: REFRESH_MS,
  });
  const rows = data.rows;
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const live = rows.filter((r) => r.status === "active").map((r) => r.id);
  const chosen = live.filter((id) => selected.has(id));
  const selection = useMemo(
    () => ({
      selected,
      allSelected: live.length > 0 && live.every((id) => selected.has(id)),
      toggle: (id: string, on: boolean) =>
        setSelected((prev) => {
          const next = new Set(prev);
          if (on) next.add(id);
          else next.delete(id);
          return next;
        }),
      toggleAll: (on: boolean) => setSelected(on ? new Set(live) : new Set()),
    }),
    // `live` is a new array on every render: its ids, not its identity, decide when the selection changes.
    [selected, live.join(",")],
  );
  const columns = useMemo(() => sessionColumns(canRevoke, selection), [canRevoke, selection]);

  const bulk =
    canRevoke && chosen.length > 0 ? (
      <ReasonDialog
        title={`Revoke ${chosen.length} selected session${chosen.length === 1 ? "" : "s"}?`}
        description="Every token of these sessions stops working at once, at the gateway and at introspection."
        confirmLabel="Revoke selected"
        onConfirm={async (reason) => {
          const result = await revokeSessionsAction({ sessionIds: chosen, reason });
          if (!result.ok) return result.error.fieldErrors?.reason?.[0] ?? result.error.message;
          toast.success(`${result.data.revoked.length} session${result.data.revoked.length === 1 ? "" : "s"} revoked`);
          setSelected(new Set());
          await queryClient.invalidateQueries({ queryKey: ["sessions"] });
          router.refresh();
          return null;
        }}
        trigger={
          <Button variant="destructive" size="sm" data-testid="bulk-revoke">
            <Ban className="size-3.5" aria-hidden /> Revoke selected ({chosen.length})
          </Button>
        }
      />
    ) : null;

  return (
    <DataTable
      label="Sessions"
      columns={columns}
      data={rows}
      getRowId={(session) => session.id}
      pagination={data.pagination}
      searchQuery={query}
      searchPlaceholder="Search by agent, person or server…"
      toolbarActions={
        <>
          {bulk}
          {toolbarActions}
        </>
      }
      emptyState={
        <EmptyState
          icon={Radio}
          title="No sessions match"
          description="When an agent obtains a token for an MCP server, its session appears here until it expires or is revoked. Change the filters to see ended sessions."
        />
      }
    />
  );
}
