"use client";

import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { SearchX } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DataTableClientPagination, DataTableServerPagination, type ServerPagination } from "./data-table-pagination";
import { DataTableToolbar } from "./data-table-toolbar";
import { useSearchParamHref } from "./use-search-param-href";

export type DataTableProps<TData> = {
  columns: ColumnDef<TData>[];
  data: TData[];
  getRowId: (row: TData) => string;
  /** Names the table for assistive technology ("Agents"). */
  label: string;
  searchPlaceholder?: string;
  /** Shown instead of the table when there are no rows at all (and no search is active). */
  emptyState: ReactNode;
  /**
   * Server mode: the page loaded one keyset page; Next/Previous are links setting
   * `?cursor=`/`?before=`, and the search box sets `?q=` (passed back as `searchQuery`).
   * Without it, all rows are in `data` and filtering and paging happen in the browser.
   */
  pagination?: ServerPagination;
  searchQuery?: string;
  /** Client mode page size. */
  pageSize?: number;
  /** Controls to the right of the search box. */
  toolbarActions?: ReactNode;
  /** Marks rows that need attention (pending approvals, say) with a `data-state` and a tint. */
  rowState?: (row: TData) => "attention" | undefined;
};

const ariaSortOf = { asc: "ascending", desc: "descending" } as const;

/**
 * The console's generic table: TanStack Table for sorting (within the loaded rows),
 * with either server-driven keyset pages (for lists that reach millions of rows)
 * or browser-side filtering and paging (for small lists).
 */
export function DataTable<TData>({
  columns,
  data,
  getRowId,
  label,
  searchPlaceholder = "Search…",
  emptyState,
  pagination,
  searchQuery = "",
  pageSize = 25,
  toolbarActions,
  rowState,
}: DataTableProps<TData>) {
  const serverMode = pagination !== undefined;
  const [sorting, setSorting] = useState<SortingState>([]);
  const [globalFilter, setGlobalFilter] = useState("");

  const table = useReactTable({
    data,
    columns,
    getRowId: (row) => getRowId(row),
    state: { sorting, globalFilter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setGlobalFilter,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    ...(serverMode
      ? {}
      : {
          getFilteredRowModel: getFilteredRowModel(),
          getPaginationRowModel: getPaginationRowModel(),
          initialState: { pagination: { pageIndex: 0, pageSize } },
        }),
  });

  const activeSearch = serverMode ? searchQuery : globalFilter;
  const rows = table.getRowModel().rows;

  if (data.length === 0 && !activeSearch && !pagination?.prevCursor) {
    return <div data-slot="data-table">{emptyState}</div>;
  }

  return (
    <div data-slot="data-table" className="grid gap-3">
      <DataTableToolbar
        value={serverMode ? searchQuery : globalFilter}
        onValueChange={serverMode ? undefined : setGlobalFilter}
        placeholder={searchPlaceholder}
      >
        {toolbarActions}
      </DataTableToolbar>

      {rows.length === 0 ? (
        <NoMatches query={activeSearch} serverMode={serverMode} onClear={() => setGlobalFilter("")} />
      ) : (
        <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
          <Table aria-label={label} data-testid="data-table">
            <TableHeader>
              {table.getHeaderGroups().map((headerGroup) => (
                <TableRow key={headerGroup.id} className="hover:bg-transparent">
                  {headerGroup.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    return (
                      <TableHead key={header.id} aria-sort={sorted ? ariaSortOf[sorted] : undefined}>
                        {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                      </TableHead>
                    );
                  })}
                </TableRow>
              ))}
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow
                  key={row.id}
                  data-testid="data-table-row"
                  data-state={rowState?.(row.original)}
                  className="data-[state=attention]:bg-warning/10 data-[state=attention]:hover:bg-warning/15"
                >
                  {row.getVisibleCells().map((cell) => (
                    <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      {serverMode ? (
        rows.length > 0 || pagination.prevCursor ? (
          <DataTableServerPagination pagination={pagination} rowCount={rows.length} />
        ) : null
      ) : rows.length > 0 ? (
        <DataTableClientPagination table={table} />
      ) : null}
    </div>
  );
}

function NoMatches({ query, serverMode, onClear }: { query: string; serverMode: boolean; onClear: () => void }) {
  const hrefWith = useSearchParamHref();
  const clear = serverMode ? (
    <Button variant="outline" size="sm" asChild>
      <Link href={hrefWith({ q: null, cursor: null, before: null })}>Clear search</Link>
    </Button>
  ) : (
    <Button variant="outline" size="sm" onClick={onClear}>
      Clear search
    </Button>
  );
  return query ? (
    <EmptyState
      icon={SearchX}
      title="No matches"
      description={
        <>
          Nothing matches <span className="font-medium text-foreground">“{query}”</span>. Check the spelling or try a
          shorter search.
        </>
      }
      action={clear}
    />
  ) : (
    <EmptyState
      icon={SearchX}
      title="No more rows"
      description="This page is past the end of the list; it may have changed since the link was made."
      action={
        <Button variant="outline" size="sm" asChild>
          <Link href={hrefWith({ cursor: null, before: null })}>Back to the first page</Link>
        </Button>
      }
    />
  );
}
