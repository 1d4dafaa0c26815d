"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { UserCheck, UserX } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, DataTableColumnHeader } from "@/components/ui/data-table";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Combobox } from "@/components/ui/combobox";
import { Textarea } from "@/components/ui/textarea";
import { DateTime } from "@/components/console/date-time";
import { useConsoleAction } from "@/components/console/use-console-action";
import { personOptions, type PersonOption } from "@/lib/people/person-option";
import { reassignOwnerAction } from "./actions";

export interface OwnerlessRow {
  id: string;
  name: string;
  status: "pending" | "active" | "suspended" | "retired";
  kind: "autonomous" | "delegated" | "interactive";
  ownerlessSince: string;
  formerOwner: { id: string; email: string; displayName: string } | null;
  suspendsAt: string | null;
}

function ReassignDialog({ agent, people }: { agent: OwnerlessRow; people: PersonOption[] }) {
  const [open, setOpen] = useState(false);
  const [ownerId, setOwnerId] = useState("");
  const [reason, setReason] = useState("");
  const reassign = useConsoleAction(reassignOwnerAction, {
    success: `${agent.name} reassigned`,
    toastErrors: true,
    refresh: false,
    onSuccess: () => setOpen(false),
  });
  const { pending, fieldErrors: errors } = reassign;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => !pending && (setOpen(next), next || (setOwnerId(""), setReason(""), reassign.reset()))}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="reassign-agent">
          <UserCheck aria-hidden />
          Reassign
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reassign {agent.name}</DialogTitle>
          <DialogDescription>
            The new owner answers for this agent in reviews and incidents.{" "}
            {agent.status === "suspended"
              ? "It stays suspended until its new owner reactivates it."
              : "It leaves the offboarding queue and will not be suspended."}
          </DialogDescription>
        </DialogHeader>
        <form
          id={`reassign-${agent.id}`}
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void reassign.run({ agentId: agent.id, ownerId, reason });
          }}
        >
          <FormField label="New owner" required error={errors.ownerId}>
            <Combobox
              value={ownerId}
              onValueChange={setOwnerId}
              options={personOptions(people)}
              placeholder="Choose a person…"
              searchPlaceholder="Search people by name or email…"
              data-testid="reassign-owner"
            />
          </FormField>
          <FormField label="Reason" required error={errors.reason} description="Recorded in the audit trail.">
            <Textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              data-testid="reassign-reason"
            />
          </FormField>
        </form>
        <DialogFooter>
          <Button type="submit" form={`reassign-${agent.id}`} disabled={pending} data-testid="confirm-reassign">
            {pending ? "Reassigning…" : "Reassign owner"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Agents whose owner left the directory, oldest first, with their reassignment. */
export function OffboardingQueue({
  rows,
  people,
  canManage,
  graceDays,
}: {
  rows: OwnerlessRow[];
  people: PersonOption[];
  canManage: boolean;
  graceDays: number;
}) {
  const columns = useMemo<ColumnDef<OwnerlessRow>[]>(() => {
    const cols: ColumnDef<OwnerlessRow>[] = [
      {
        accessorKey: "name",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Agent" />,
        cell: ({ row }) => (
          <Link href={`/agents/${row.original.id}`} className="font-medium hover:underline">
            {row.original.name}
          </Link>
        ),
      },
      {
        accessorKey: "status",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => (
          <StatusBadge variant={row.original.status === "active" ? "warning" : "neutral"}>
            {row.original.status}
          </StatusBadge>
        ),
      },
      {
        id: "formerOwner",
        accessorFn: (a) => `${a.formerOwner?.displayName ?? ""} ${a.formerOwner?.email ?? ""}`,
        header: ({ column }) => <DataTableColumnHeader column={column} title="Former owner" />,
        cell: ({ row }) => (
          <div className="grid gap-0.5">
            <span>{row.original.formerOwner?.displayName ?? "—"}</span>
            <span className="text-xs text-muted-foreground">{row.original.formerOwner?.email}</span>
          </div>
        ),
      },
      {
        accessorKey: "ownerlessSince",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Owner left" />,
        cell: ({ row }) => <DateTime iso={row.original.ownerlessSince} />,
      },
      {
        id: "suspendsAt",
        accessorFn: (a) => a.suspendsAt ?? "",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Suspended at" />,
        cell: ({ row }) =>
          row.original.suspendsAt ? (
            <DateTime iso={row.original.suspendsAt} />
          ) : (
            <span className="text-muted-foreground">Suspended</span>
          ),
      },
    ];
    if (canManage) {
      cols.push({
        id: "actions",
        enableSorting: false,
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => <ReassignDialog agent={row.original} people={people} />,
      });
    }
    return cols;
  }, [canManage, people]);
  return (
    <section aria-labelledby="offboarding-queue-heading" className="grid gap-3" data-testid="offboarding-queue">
      <div className="grid gap-1">
        <h2 id="offboarding-queue-heading" className="font-semibold">
          Offboarding queue
        </h2>
        <p className="text-sm text-muted-foreground">
          Agents whose owner was deactivated or deleted. Each is suspended {graceDays} days after its owner left unless
          someone takes it over.
        </p>
      </div>
      <DataTable
        label="Ownerless agents"
        columns={columns}
        data={rows}
        getRowId={(a) => a.id}
        searchPlaceholder="Filter by agent or former owner…"
        emptyState={
          <EmptyState
            icon={UserX}
            title="No ownerless agents"
            description="When the owner of an agent leaves, the agent appears here to be reassigned."
          />
        }
      />
    </section>
  );
}
