"use client";

import { useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { createReceiverAction, deleteReceiverAction } from "./actions";

export interface ReceiverView {
  id: string;
  name: string;
  url: string;
  server: { id: string; name: string } | null;
  hasAuthHeader: boolean;
  pending: number;
  delivered: number;
  failed: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
}

/** SSF push receivers (CAEP session-revoked events) and how their deliveries are going. */
export function ReceiversPanel({
  rows,
  canManage,
  servers,
}: {
  rows: ReceiverView[];
  canManage: boolean;
  servers: { id: string; name: string }[];
}) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [authHeader, setAuthHeader] = useState("");
  const [serverId, setServerId] = useState("");
  const remove = useConsoleAction(deleteReceiverAction, { success: "Receiver removed" });
  const create = useConsoleAction(createReceiverAction, {
    success: "Receiver added",
    onSuccess: () => {
      setName("");
      setUrl("");
      setAuthHeader("");
      setServerId("");
    },
  });
  const { pending } = create;
  const errors: Record<string, string | undefined> = create.error
    ? { ...create.fieldErrors, ...(create.error.fieldErrors ? {} : { _form: create.error.message }) }
    : {};
  return (
    <div className="grid gap-4">
      <p className="text-sm text-muted-foreground">
        Every session revocation is pushed to these receivers as a signed CAEP{" "}
        <span className="font-mono">session-revoked</span> Security Event Token (SSF push, RFC 8935), so MCP servers
        that enforce natively drop the session too. Transmitter metadata:{" "}
        <span className="font-mono">/.well-known/ssf-configuration</span>.
      </p>
      <Table aria-label="Event receivers">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Push URL</TableHead>
            <TableHead>CAEP endpoint of</TableHead>
            <TableHead>Delivered</TableHead>
            <TableHead>Pending</TableHead>
            <TableHead>Failed</TableHead>
            <TableHead>Last error</TableHead>
            {canManage ? (
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            ) : null}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.id} data-testid={`receiver-${r.name}`}>
              <TableCell className="font-medium">
                {r.name}
                {r.hasAuthHeader ? " 🔒" : ""}
              </TableCell>
              <TableCell className="font-mono text-xs">{r.url}</TableCell>
              <TableCell className="text-sm">
                {r.server ? r.server.name : <span className="text-muted-foreground">Every session</span>}
              </TableCell>
              <TableCell className="tabular-nums">{r.delivered}</TableCell>
              <TableCell className="tabular-nums">{r.pending}</TableCell>
              <TableCell className="tabular-nums">{r.failed}</TableCell>
              <TableCell className="text-xs text-muted-foreground">{r.lastError ?? "—"}</TableCell>
              {canManage ? (
                <TableCell>
                  <ConfirmDialog
                    title={`Remove ${r.name}?`}
                    description="It stops receiving events; its delivery history is deleted."
                    confirmLabel="Remove"
                    onConfirm={async () => {
                      await remove.runOrThrow({ receiverId: r.id });
                    }}
                    trigger={
                      <Button variant="outline" size="sm">
                        Remove
                      </Button>
                    }
                  />
                </TableCell>
              ) : null}
            </TableRow>
          ))}
          {rows.length === 0 ? (
            <TableRow>
              <TableCell colSpan={8} className="text-muted-foreground">
                No receivers yet.
              </TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
      {canManage ? (
        <form
          className="grid max-w-xl gap-3 rounded-xl border p-4"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run({ name, url, authHeader: authHeader || undefined, serverId: serverId || undefined });
          }}
        >
          <h2 className="text-sm font-semibold">Add a receiver</h2>
          <div className="grid gap-1">
            <Label htmlFor="receiver-name">Name</Label>
            <Input
              id="receiver-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={errors.name ? true : undefined}
            />
            {errors.name ? <p className="text-xs text-destructive">{errors.name}</p> : null}
          </div>
          <div className="grid gap-1">
            <Label htmlFor="receiver-url">Push URL</Label>
            <Input
              id="receiver-url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={errors.url ? true : undefined}
            />
            {errors.url ? <p className="text-xs text-destructive">{errors.url}</p> : null}
          </div>
          <div className="grid gap-1">
            <Label htmlFor="receiver-auth">Authorization header (optional, stored encrypted)</Label>
            <Input
              id="receiver-auth"
              type="password"
              autoComplete="off"
              value={authHeader}
              onChange={(e) => setAuthHeader(e.target.value)}
            />
          </div>
          <div className="grid gap-1">
            <Label htmlFor="receiver-server">CAEP endpoint of (a natively enforcing server; optional)</Label>
            <Select
              id="receiver-server"
              value={serverId}
              onChange={(e) => setServerId(e.target.value)}
              aria-invalid={errors.serverId ? true : undefined}
            >
              <option value="">None: hears of every session (a SIEM, say)</option>
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
            {errors.serverId ? <p className="text-xs text-destructive">{errors.serverId}</p> : null}
          </div>
          {errors._form ? <p className="text-xs text-destructive">{errors._form}</p> : null}
          <div>
            <Button type="submit" size="sm" disabled={pending}>
              {pending ? "Adding…" : "Add receiver"}
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
