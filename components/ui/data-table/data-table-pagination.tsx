"use client";

import type { Table } from "@tanstack/react-table";
import { ChevronLeft, ChevronRight, ChevronsLeft } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { PagePosition } from "@/lib/pagination/keyset";
import { countText, positionText } from "./position-text";
import { useSearchParamHref } from "./use-search-param-href";

/** Cursors for the neighbouring pages, as the server computed them, and where the page sits in the list. */
export type ServerPagination = {
  nextCursor: string | null;
  prevCursor: string | null;
  position?: PagePosition | undefined;
  /** Rows per page (`?limit=`). */
  pageSize?: number | undefined;
};

const pageButton = { variant: "outline", size: "sm" } as const;

function DisabledPageButton({ label, icon }: { label: string; icon: ReactNode }) {
  return (
    <Button {...pageButton} disabled aria-disabled>
      {icon}
      {label}
    </Button>
  );
}

/**
 * Previous/Next links for a server-paged (keyset) table. They are real links, so
 * pages can be opened in new tabs and the back button walks pages back.
 */
export function DataTableServerPagination({
  pagination,
  rowCount,
}: {
  pagination: ServerPagination;
  rowCount: number;
}) {
  const hrefWith = useSearchParamHref();
  const onLaterPage = pagination.prevCursor !== null;
  const prev = <ChevronLeft aria-hidden />;
  const next = <ChevronRight aria-hidden />;

  return (
    <nav
      aria-label="Pagination"
      data-slot="data-table-pagination"
      className="flex flex-wrap items-center justify-between gap-2 px-1"
    >
      <p className="text-sm text-muted-foreground" aria-live="polite" data-testid="table-count">
        {positionText(pagination.position, rowCount)}
        {pagination.position && pagination.pageSize ? <span> · {countText(pagination.pageSize)} per page</span> : null}
      </p>
      <div className="flex items-center gap-2">
        {onLaterPage ? (
          <Button {...pageButton} asChild>
            <Link href={hrefWith({ cursor: null, before: null })} data-testid="page-first">
              <ChevronsLeft aria-hidden />
              First
            </Link>
          </Button>
        ) : null}
        {pagination.prevCursor ? (
          <Button {...pageButton} asChild>
            <Link href={hrefWith({ before: pagination.prevCursor, cursor: null })} rel="prev" data-testid="page-prev">
              {prev}
              Previous
            </Link>
          </Button>
        ) : (
          <DisabledPageButton label="Previous" icon={prev} />
        )}
        {pagination.nextCursor ? (
          <Button {...pageButton} asChild>
            <Link href={hrefWith({ cursor: pagination.nextCursor, before: null })} rel="next" data-testid="page-next">
              Next
              {next}
            </Link>
          </Button>
        ) : (
          <DisabledPageButton label="Next" icon={next} />
        )}
      </div>
    </nav>
  );
}

/** Page controls for a table whose rows are all loaded in the browser. */
export function DataTableClientPagination<TData>({ table }: { table: Table<TData> }) {
  const { pageIndex } = table.getState().pagination;
  const pageCount = Math.max(table.getPageCount(), 1);
  return (
    <nav
      aria-label="Pagination"
      data-slot="data-table-pagination"
      className="flex items-center justify-between gap-2 px-1"
    >
      <p className="text-sm text-muted-foreground" aria-live="polite">
        Page {pageIndex + 1} of {pageCount} · {table.getFilteredRowModel().rows.length.toLocaleString("en-US")} rows
      </p>
      <div className="flex items-center gap-2">
        <Button {...pageButton} onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
          <ChevronLeft aria-hidden />
          Previous
        </Button>
        <Button {...pageButton} onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
          Next
          <ChevronRight aria-hidden />
        </Button>
      </div>
    </nav>
  );
}
