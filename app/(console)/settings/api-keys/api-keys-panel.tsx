"use client";

import { KeyRound } from "lucide-react";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { ApiKeyRow } from "./api-key-row";
import { apiKeyColumns } from "./columns";
import { CreateKeyDialog } from "./create-key-dialog";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";

/** The key list with its create / rotate / revoke controls (shown only to those who manage keys). */
export function ApiKeysPanel({ rows, canManage }: { rows: ApiKeyRow[]; canManage: boolean }) {
  // The one-time secret lives only in this state, and only until the dialog closes.
  const [secret, setSecret] = useState<RevealedSecret | null>(null);
  const columns = useMemo(() => apiKeyColumns({ canManage, onRotated: setSecret }), [canManage]);
  const create = canManage ? <CreateKeyDialog onCreated={setSecret} /> : null;

  return (
    <section aria-labelledby="api-keys-heading" className="grid gap-3">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="grid gap-1">
          <h2 id="api-keys-heading" className="font-semibold">
            API keys
          </h2>
          <p className="text-sm text-muted-foreground">
            Keys for scripts and pipelines calling the JSON API (/api/v1) as a bearer token. Each acts with one console
            role. Times are UTC.
          </p>
        </div>
        {rows.length > 0 ? create : null}
      </div>
      <DataTable
        label="API keys"
        columns={columns}
        data={rows}
        getRowId={(k) => k.id}
        searchPlaceholder="Filter by name, role or creator…"
        emptyState={
          <EmptyState
            icon={KeyRound}
            title="No API keys yet"
            description="Create a key for a script or pipeline that needs the JSON API. Its secret is shown once."
            action={create}
          />
        }
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </section>
  );
}
