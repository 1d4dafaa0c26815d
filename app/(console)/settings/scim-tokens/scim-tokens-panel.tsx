"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Ban, Check, Copy, KeyRound, Plus, RefreshCw, TriangleAlert } from "lucide-react";
import { useMemo, useState } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";
import { DateTime } from "@/components/console/date-time";
import { useConsoleAction } from "@/components/console/use-console-action";
import { createScimTokenAction, revokeScimTokenAction, rotateScimTokenAction } from "./actions";

export interface ScimTokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface Revealed {
  name: string;
  token: string;
}

interface IdpOption {
  id: string;
  name: string;
}

function CreateTokenDialog({ onCreated, idps }: { onCreated: (r: Revealed) => void; idps: IdpOption[] }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [trustedIdpId, setTrustedIdpId] = useState("");
  // No router.refresh here or below: the actions revalidate the settings page themselves.
  const create = useConsoleAction(createScimTokenAction, {
    refresh: false,
    onSuccess: (data, input) => {
      setOpen(false);
      onCreated({ name: input.name.trim(), token: data.token });
      setName("");
    },
  });
  const { pending } = create;
  const error = create.error ? (create.fieldErrors.name ?? create.error.message) : undefined;
  return (
    <Dialog open={open} onOpenChange={(next) => !pending && (setOpen(next), next || (setName(""), create.reset()))}>
      <DialogTrigger asChild>
        <Button data-testid="create-scim-token">
          <Plus aria-hidden />
          Issue SCIM token
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Issue a SCIM token</DialogTitle>
          <DialogDescription>
            The IdP's provisioning app sends it as a bearer token. It can create, change and deactivate people and
            groups.
          </DialogDescription>
        </DialogHeader>
        <form
          id="create-scim-token-form"
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void create.run({ name, trustedIdpId: trustedIdpId || null });
          }}
        >
          <FormField label="Name" required error={error} description="The provisioning client, e.g. “Okta production”.">
            <Input
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={80}
              autoComplete="off"
              data-testid="scim-token-name"
            />
          </FormField>
          {idps.length > 0 ? (
            <FormField
              label="Provisions for"
              description="The IdP whose subjects this client sends as externalId: people are then matched by that subject before they first sign in."
            >
              <Select
                value={trustedIdpId}
                onChange={(e) => setTrustedIdpId(e.target.value)}
                data-testid="scim-token-idp"
              >
                <option value="">No identity provider</option>
                {idps.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </Select>
            </FormField>
          ) : null}
        </form>
        <DialogFooter>
          <Button
            type="submit"
            form="create-scim-token-form"
            disabled={pending}
            data-testid="confirm-create-scim-token"
          >
            {pending ? "Issuing…" : "Issue token"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function TokenSecretDialog({ revealed, onClose }: { revealed: Revealed | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog open={revealed !== null} onOpenChange={(open) => (open ? undefined : (setCopied(false), onClose()))}>
      <DialogContent data-testid="scim-token-secret-dialog" onInteractOutside={(event) => event.preventDefault()}>
        <DialogHeader>
          <DialogTitle>SCIM token for {revealed?.name}</DialogTitle>
          <DialogDescription>Paste it into the IdP's provisioning settings as the bearer token.</DialogDescription>
        </DialogHeader>
        <div className="flex gap-3 rounded-lg border border-warning/30 bg-warning/15 p-3 text-sm text-warning-foreground dark:text-warning">
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            <span className="font-semibold">Copy this token now. It will not be shown again.</span> Mandate stores only
            a hash of it.
          </p>
        </div>
        <div className="flex gap-2">
          <Input
            readOnly
            value={revealed?.token ?? ""}
            aria-label="SCIM token"
            className="font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
            data-testid="scim-token-secret"
          />
          <Button
            variant="outline"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(revealed?.token ?? "");
                setCopied(true);
              } catch {
                toast.error("Could not copy automatically: select the token and copy it");
              }
            }}
          >
            {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            {copied ? "Copied" : "Copy"}
          </Button>
        </div>
        <DialogFooter>
          <Button onClick={() => (setCopied(false), onClose())} data-testid="close-scim-token-dialog">
            I have copied the token
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Rotate and revoke for one live token: a component of its own, since each row's actions hold their own state. */
function TokenActions({ token: t, onRotated }: { token: ScimTokenRow; onRotated: (r: Revealed) => void }) {
  const rotate = useConsoleAction(rotateScimTokenAction, {
    refresh: false,
    onSuccess: (data) => onRotated({ name: t.name, token: data.token }),
  });
  const revoke = useConsoleAction(revokeScimTokenAction, { refresh: false, success: `Revoked ${t.name}` });
  return (
    <div className="flex justify-end gap-0.5">
      <ConfirmDialog
        title={`Rotate ${t.name}?`}
        description="A new token replaces this one. The current token stops working as soon as you confirm: update the IdP's provisioning settings."
        confirmLabel="Rotate token"
        onConfirm={async () => {
          await rotate.runOrThrow({ id: t.id });
        }}
        trigger={
          <Button
            variant="ghost"
            size="icon"
            className="size-8"
            title="Rotate the token"
            data-testid="rotate-scim-token"
          >
            <RefreshCw aria-hidden />
            <span className="sr-only">Rotate {t.name}</span>
          </Button>
        }
      />
      <ConfirmDialog
        title={`Revoke ${t.name}?`}
        description="Provisioning with this token stops at once. Its history stays in the audit trail."
        confirmLabel="Revoke token"
        onConfirm={async () => {
          await revoke.runOrThrow({ id: t.id });
        }}
        trigger={
          <Button
            variant="ghost"
            size="icon"
            className="size-8 text-destructive hover:text-destructive"
            title="Revoke the token"
            data-testid="revoke-scim-token"
          >
            <Ban aria-hidden />
            <span className="sr-only">Revoke {t.name}</span>
          </Button>
        }
      />
    </div>
  );
}

/** SCIM provisioning credentials: issued here, shown once, stored as a hash, rotatable and revocable. */
export function ScimTokensPanel({
  rows,
  canManage,
  endpoint,
  idps,
}: {
  rows: ScimTokenRow[];
  canManage: boolean;
  endpoint: string;
  idps: IdpOption[];
}) {
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const columns = useMemo<ColumnDef<ScimTokenRow>[]>(
    () => [
      {
        accessorKey: "name",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
        cell: ({ row }) => <span className="font-medium">{row.original.name}</span>,
      },
      {
        accessorKey: "prefix",
        enableSorting: false,
        header: ({ column }) => <DataTableColumnHeader column={column} title="Token" />,
        cell: ({ row }) => (
          <code className="font-mono text-xs text-muted-foreground">mdtscim_{row.original.prefix}_…</code>
        ),
      },
      {
        accessorKey: "createdAt",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Issued" />,
        cell: ({ row }) => <DateTime iso={row.original.createdAt} />,
      },
      {
        id: "lastUsedAt",
        accessorFn: (t) => t.lastUsedAt ?? "",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Last used" />,
        cell: ({ row }) =>
          row.original.lastUsedAt ? (
            <DateTime iso={row.original.lastUsedAt} />
          ) : (
            <span className="text-muted-foreground">Never</span>
          ),
      },
      {
        id: "status",
        accessorFn: (t) => (t.revokedAt ? "revoked" : "active"),
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => (
          <StatusBadge variant={row.original.revokedAt ? "danger" : "success"}>
            {row.original.revokedAt ? "revoked" : "active"}
          </StatusBadge>
        ),
      },
      {
        id: "actions",
        enableSorting: false,
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) =>
          row.original.revokedAt || !canManage ? null : <TokenActions token={row.original} onRotated={setRevealed} />,
      },
    ],
    [canManage],
  );
  const create = canManage ? <CreateTokenDialog onCreated={setRevealed} idps={idps} /> : undefined;
  return (
    <section aria-labelledby="scim-tokens-heading" className="grid gap-3" data-testid="scim-tokens">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="grid gap-1">
          <h2 id="scim-tokens-heading" className="font-semibold">
            SCIM tokens
          </h2>
          <p className="text-sm text-muted-foreground">
            Bearer credentials of the IdP's provisioning client for{" "}
            <code className="font-mono text-xs">{endpoint}</code>. Shown once, stored as a hash.
          </p>
        </div>
        {rows.length > 0 ? create : null}
      </div>
      <DataTable
        label="SCIM tokens"
        columns={columns}
        data={rows}
        getRowId={(t) => t.id}
        searchPlaceholder="Filter by name…"
        emptyState={
          <EmptyState
            icon={KeyRound}
            title="No SCIM tokens"
            description="Issue a token for the IdP that provisions your people and groups."
            action={create}
          />
        }
      />
      <TokenSecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
    </section>
  );
}
