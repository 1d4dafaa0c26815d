"use client";

import { UsersRound } from "lucide-react";
import { useMemo } from "react";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { ConsolePerson } from "@/lib/people/list-people";
import { peopleColumns, type PeopleColumnOptions } from "./columns";

/** The people who hold console roles; filtering and paging happen in the browser (they are few). */
export function PeopleTable({ rows, canManage, selfId }: { rows: ConsolePerson[] } & PeopleColumnOptions) {
  const columns = useMemo(() => peopleColumns({ canManage, selfId }), [canManage, selfId]);
  return (
    <DataTable
      label="People with console roles"
      columns={columns}
      data={rows}
      getRowId={(p) => p.id}
      searchPlaceholder="Filter by name, email or role…"
      emptyState={
        <EmptyState
          icon={UsersRound}
          title="Nobody holds a console role"
          description="Run `npm run mandate -- create-admin` to create the first admin."
        />
      }
    />
  );
}
