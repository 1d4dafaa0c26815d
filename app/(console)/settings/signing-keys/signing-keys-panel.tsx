"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { KeySquare, RefreshCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { StatusBadge, type BadgeVariant } from "@/components/ui/badge";
import { DataTable, DataTableColumnHeader } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useConsoleAction } from "@/components/console/use-console-action";
import { DateTime } from "@/components/console/date-time";
import { rotateKeys } from "./actions";
import type { SigningKeyRow } from "./signing-key-row";

const statusVariant: Record<SigningKeyRow["status"], BadgeVariant> = {
  next: "secondary",
  active: "success",
  retiring: "warning",
  retired: "neutral",
};

const dash = <span className="text-muted-foreground">—</span>;
const when = (iso: string | null) => (iso ? <DateTime iso={iso} /> : dash);

const columns: ColumnDef<SigningKeyRow>[] = [
  {
    accessorKey: "kid",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Key id (kid)" />,
    cell: ({ row }) => (
      <code className="font-mono text-xs" data-testid="signing-key-kid">
        {row.original.kid}
      </code>
    ),
  },
  {
    accessorKey: "status",
    enableSorting: false,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
    cell: ({ row }) => <StatusBadge variant={statusVariant[row.original.status]}>{row.original.status}</StatusBadge>,
  },
  {
    accessorKey: "alg",
    enableSorting: false,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Algorithm" />,
  },
  {
    accessorKey: "createdAt",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
    cell: ({ row }) => when(row.original.createdAt),
  },
  {
    id: "activatedAt",
    accessorFn: (k) => k.activatedAt ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Signing since" />,
    cell: ({ row }) =>
      row.original.status === "next" ? (
        <span className="text-muted-foreground">At the next rotation</span>
      ) : (
        when(row.original.activatedAt)
      ),
  },
  {
    id: "publishUntil",
    accessorFn: (k) => k.publishUntil ?? "",
    header: ({ column }) => <DataTableColumnHeader column={column} title="Published until" />,
    cell: ({ row }) => when(row.original.publishUntil),
  },
];

/** The signing keys of the token service, and (for those who manage keys) the rotation control. */
export function SigningKeysPanel({ rows, canManage }: { rows: SigningKeyRow[]; canManage: boolean }) {
  const rotation = useConsoleAction(rotateKeys, {
    success: (data) =>
      data.activated
        ? `Key ${data.activated} now signs`
        : "A next key was published; it signs from the following rotation",
    refresh: false,
  });
  const rotate = canManage ? (
    <ConfirmDialog
      title="Rotate the signing keys?"
      description="The published next key starts signing tokens now. The current key stops signing but stays in the JWKS until the last token it signed has expired, so nothing already issued breaks. A new next key is published, to sign from the following rotation."
      confirmLabel="Rotate keys"
      onConfirm={async () => {
        await rotation.runOrThrow({});
      }}
      trigger={
        <Button data-testid="rotate-signing-keys">
          <RefreshCw aria-hidden />
          Rotate
        </Button>
      }
    />
  ) : null;

  return (
    <section aria-labelledby="signing-keys-heading" className="grid gap-3">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="grid gap-1">
          <h2 id="signing-keys-heading" className="font-semibold">
            Signing keys
          </h2>
          <p className="text-sm text-muted-foreground">
            The keys that sign access tokens and ID-JAGs, published at /oauth/jwks. A key is published as next before it
            signs, and stays published after it stops signing until its last token has expired. Private keys are
            encrypted at rest and never shown. Times are UTC.
          </p>
        </div>
        {rotate}
      </div>
      <DataTable
        label="Signing keys"
        columns={columns}
        data={rows}
        getRowId={(k) => k.kid}
        searchPlaceholder="Filter by key id or status…"
        emptyState={
          <EmptyState
            icon={KeySquare}
            title="No signing keys yet"
            description="The token service creates its first key, and a next key beside it, when it first signs a token."
            action={rotate}
          />
        }
      />
    </section>
  );
}
