"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { RiskBadge } from "@/components/console/risk-badge";
import { DEFAULT_SESSION_SECONDS } from "@/lib/entitlements/entitlement-schemas";
import type { GrantableServer } from "@/lib/entitlements/grantable-catalog";
import { highestRisk, RISKS } from "@/lib/entitlements/risk";
import { createEntitlementAction, updateEntitlementAction } from "./actions";

export interface EntitlementFormValues {
  id: string;
  name: string;
  description: string | null;
  serverId: string;
  toolIds: string[];
  maxSessionSeconds: number;
  reauthIntervalSeconds: number | null;
}

/** What both create and edit send; create adds the server, edit the entitlement's id. */
type EntitlementFields = {
  name: string;
  description: string;
  toolIds: string[];
  maxSessionSeconds: string;
  reauthIntervalSeconds: string;
};

const RISK_HEADINGS = { destructive: "Destructive", write: "Write", read: "Read" } as const;

/**
 * Create or edit an entitlement: pick a server, then its approved tools. The
 * risk shown is derived from the ticked tools, as the server derives it.
 */
export function EntitlementForm({ catalog, initial }: { catalog: GrantableServer[]; initial?: EntitlementFormValues }) {
  const router = useRouter();
  const [serverId, setServerId] = useState(initial?.serverId ?? "");
  const [toolIds, setToolIds] = useState<string[]>(initial?.toolIds ?? []);
  const server = catalog.find((s) => s.id === serverId);
  const chosen = useMemo(() => server?.tools.filter((t) => toolIds.includes(t.id)) ?? [], [server, toolIds]);
  const risk = highestRisk(chosen);
  // Creating answers with the new id; saving an edit answers with nothing.
  const save = useConsoleAction<EntitlementFields, unknown>(
    (fields) =>
      initial
        ? updateEntitlementAction({ entitlementId: initial.id, ...fields })
        : createEntitlementAction({ serverId, ...fields }),
    {
      success: initial ? "Entitlement saved" : "Entitlement created",
      onSuccess: (data) => router.push(`/entitlements/${initial?.id ?? (data as { id: string }).id}`),
    },
  );
  const { pending, error } = save;
  const err = (field: string) => save.fieldErrors[field];

  function submit(form: FormData) {
    const text = (name: string) => String(form.get(name) ?? "");
    const fields: EntitlementFields = {
      name: text("name"),
      description: text("description"),
      toolIds,
      maxSessionSeconds: text("maxSessionSeconds"),
      reauthIntervalSeconds: text("reauthIntervalSeconds"),
    };
    void save.run(fields);
  }

  return (
    <form action={submit} className="grid max-w-3xl gap-5" noValidate data-testid="entitlement-form">
      {error && !error.fieldErrors ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {error.message}
        </p>
      ) : null}
      <FormField label="Name" required error={err("name")}>
        <Input name="name" defaultValue={initial?.name} maxLength={80} autoComplete="off" />
      </FormField>
      <FormField label="Description" error={err("description")}>
        <Textarea name="description" defaultValue={initial?.description ?? ""} maxLength={1000} />
      </FormField>
      <FormField
        label="MCP server"
        required
        error={err("serverId")}
        description={initial ? "Fixed once created." : "Only approved tools of the chosen server can be granted."}
      >
        <Select
          name="serverId"
          value={serverId}
          disabled={initial !== undefined}
          onChange={(e) => {
            setServerId(e.target.value);
            setToolIds([]);
          }}
        >
          <option value="" disabled>
            Choose a server…
          </option>
          {catalog.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.tools.length} approved tools)
            </option>
          ))}
        </Select>
      </FormField>
      {server ? (
        <fieldset className="grid gap-3" data-testid="tool-checklist">
          <legend className="mb-1 flex items-center gap-2 text-sm font-medium">
            Tools
            <span className="font-normal text-muted-foreground">· derived risk</span>
            <span data-testid="derived-risk">
              {risk ? <RiskBadge risk={risk} /> : <span className="text-xs text-muted-foreground">none chosen</span>}
            </span>
          </legend>
          {server.tools.length === 0 ? (
            <p className="text-sm text-muted-foreground">This server has no approved tools yet.</p>
          ) : null}
          <p className="text-xs text-muted-foreground">
            Holders may call exactly the ticked tools: tokens carry them by name. Tools that share a scope are granted
            one by one — a scope alone grants nothing.
          </p>
          {[...RISKS].reverse().map((r) => {
            const tools = server.tools.filter((t) => t.risk === r);
            if (tools.length === 0) return null;
            return (
              <div key={r} className="grid gap-1 rounded-md border p-3">
                <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">
                  {RISK_HEADINGS[r]}
                </p>
                {tools.map((t) => (
                  <label key={t.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={toolIds.includes(t.id)}
                      onChange={(e) =>
                        setToolIds((prev) => (e.target.checked ? [...prev, t.id] : prev.filter((x) => x !== t.id)))
                      }
                    />
                    <span className="font-mono text-xs">{t.name}</span>
                    <span
                      className="font-mono text-xs text-muted-foreground"
                      data-testid="tool-scope"
                      title="OAuth scope"
                    >
                      {t.scope}
                    </span>
                    {t.title ? <span className="text-muted-foreground">{t.title}</span> : null}
                  </label>
                ))}
              </div>
            );
          })}
          {err("toolIds") ? <p className="text-xs font-medium text-destructive">{err("toolIds")}</p> : null}
        </fieldset>
      ) : null}
      <FormField
        label="Maximum session (seconds)"
        error={err("maxSessionSeconds")}
        description="5 minutes (300) to 24 hours (86400)."
      >
        <Input
          name="maxSessionSeconds"
          type="number"
          min={300}
          max={86400}
          defaultValue={initial?.maxSessionSeconds ?? DEFAULT_SESSION_SECONDS}
        />
      </FormField>
      <FormField
        label="Re-authentication interval (seconds)"
        error={err("reauthIntervalSeconds")}
        description="Optional: a person's sign-in older than this must be renewed."
      >
        <Input
          name="reauthIntervalSeconds"
          type="number"
          min={60}
          max={86400}
          defaultValue={initial?.reauthIntervalSeconds ?? ""}
        />
      </FormField>
      <div>
        <Button type="submit" disabled={pending} data-testid="entitlement-submit">
          {pending ? "Saving…" : initial ? "Save changes" : "Create entitlement"}
        </Button>
      </div>
    </form>
  );
}
