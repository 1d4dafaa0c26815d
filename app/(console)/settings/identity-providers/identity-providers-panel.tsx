"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Fingerprint, KeyRound, Link2, Pencil, Plus, ServerCog, Trash2, X } from "lucide-react";
import { useMemo, useState } from "react";
import type { ActionResult } from "@/app/_server/action-result";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Badge, StatusBadge } from "@/components/ui/badge";
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
} from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import {
  DEFAULT_ISSUER_ALGORITHMS,
  ISSUER_ALGORITHMS,
  ISSUER_ROLE_LABELS,
  ISSUER_ROLES,
  type IssuerAlgorithm,
  type IssuerRole,
} from "@/lib/federation/issuer-roles";
import type { PublishedKey } from "@/lib/federation/issuer-discovery";
import {
  addAgentIdpClientAction,
  addTrustedIssuerAction,
  addWorkloadIdentityAction,
  removeAgentIdpClientAction,
  removeTrustedIssuerAction,
  removeWorkloadIdentityAction,
  testTrustedIssuerAction,
  updateTrustedIssuerAction,
} from "./actions";

export interface IdentityProviderRow {
  id: string;
  name: string;
  issuer: string;
  roles: IssuerRole[];
  keySource: "jwks_uri" | "jwks";
  jwksUri: string | null;
  staticKeys: PublishedKey[] | null;
  algorithms: IssuerAlgorithm[];
  userMatch: "sub" | "email";
  enabled: boolean;
  agentClients: { id: string; agentId: string; agentName: string; clientId: string }[];
  scimTokens: number;
}

interface AgentOption {
  id: string;
  name: string;
  clientId: string;
}

/** A rule mapping a workload issuer's JWTs to an autonomous agent. */
export interface WorkloadRuleRow {
  id: string;
  idpId: string;
  agentName: string;
  subject: string;
  claims: Record<string, string>;
}

type KeySource = "discovery" | "jwks_uri" | "jwks";

/** What the issuer dialog sends, for adding or (with the row's id) editing. */
type IssuerInput = {
  name: string;
  issuer: string;
  roles: IssuerRole[];
  keySource: KeySource;
  jwksUri: string | null;
  jwks: string | null;
  algorithms: IssuerAlgorithm[];
  userMatch: "sub" | "email";
  enabled: boolean;
};

// No router.refresh in this file: every action here revalidates the page itself.

/** A refusal is always a toast here, even one that names a field (these controls have no inline error). */
const toastRefusal = (result: ActionResult<unknown>) => {
  if (!result.ok) toast.error(result.error.message);
};

/** Add (no `row`) or edit an issuer: its URL, roles, where its keys come from, the algorithms it may use. */
function IssuerDialog({
  row,
  open,
  onOpenChange,
}: {
  row: IdentityProviderRow | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [name, setName] = useState(row?.name ?? "");
  const [issuer, setIssuer] = useState(row?.issuer ?? "");
  const [roles, setRoles] = useState<IssuerRole[]>(row?.roles ?? ["enterprise_idp"]);
  const [keySource, setKeySource] = useState<KeySource>(
    row ? (row.keySource === "jwks" ? "jwks" : "jwks_uri") : "discovery",
  );
  const [jwksUri, setJwksUri] = useState(row?.jwksUri ?? "");
  const [jwks, setJwks] = useState("");
  const [algorithms, setAlgorithms] = useState<IssuerAlgorithm[]>(row?.algorithms ?? [...DEFAULT_ISSUER_ALGORITHMS]);
  const [userMatch, setUserMatch] = useState<"sub" | "email">(row?.userMatch ?? "sub");
  const [enabled, setEnabled] = useState(row?.enabled ?? true);
  const save = useConsoleAction<IssuerInput, unknown>(
    (input) => (row ? updateTrustedIssuerAction({ id: row.id, ...input }) : addTrustedIssuerAction(input)),
    {
      refresh: false,
      success: (_data, input) => (row ? `Saved ${input.name.trim()}` : `Now trusting ${input.issuer.trim()}`),
      onSuccess: () => onOpenChange(false),
    },
  );
  const { pending } = save;
  const errors: Record<string, string | undefined> = save.error
    ? { ...save.fieldErrors, _form: Object.keys(save.error.fieldErrors ?? {}).length ? undefined : save.error.message }
    : {};
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{row ? `Edit ${row.name}` : "Add an identity provider"}</DialogTitle>
          <DialogDescription>
            Mandate accepts this issuer's signed tokens only in the roles you choose, with the keys it publishes.
          </DialogDescription>
        </DialogHeader>
        <form
          id="issuer-form"
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const input: IssuerInput = {
              name,
              issuer,
              roles,
              keySource,
              jwksUri: keySource === "jwks_uri" ? jwksUri : null,
              jwks: keySource === "jwks" ? jwks : null,
              algorithms,
              userMatch,
              enabled,
            };
            void save.run(input);
          }}
        >
          <FormField label="Name" required error={errors.name} description="As people here know it, e.g. “Okta”.">
            <Input
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={80}
              autoComplete="off"
              data-testid="idp-name"
            />
          </FormField>
          <FormField label="Issuer URL" required error={errors.issuer} description="Exactly the iss of its tokens.">
            <Input
              value={issuer}
              onChange={(e) => setIssuer(e.target.value)}
              placeholder="https://acme.okta.com"
              autoComplete="off"
              data-testid="idp-issuer"
            />
          </FormField>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Roles</legend>
            {ISSUER_ROLES.map((r) => (
              <label key={r} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={roles.includes(r)}
                  onChange={(e) => setRoles((prev) => toggle(prev, r, e.target.checked))}
                  data-testid={`idp-role-${r}`}
                />
                {ISSUER_ROLE_LABELS[r]}
                <span className="text-muted-foreground">
                  {r === "enterprise_idp"
                    ? "— its ID tokens are exchanged for ID-JAGs"
                    : r === "id_jag_issuer"
                      ? "— its ID-JAGs are redeemed for gateway servers"
                      : "— its workload JWTs stand in for agent credentials"}
                </span>
              </label>
            ))}
            {errors.roles ? <p className="text-xs font-medium text-destructive">{errors.roles}</p> : null}
          </fieldset>
          <FormField label="Keys" error={errors.jwksUri ?? (keySource === "discovery" ? undefined : errors.issuer)}>
            <Select
              value={keySource}
              onChange={(e) => setKeySource(e.target.value as KeySource)}
              data-testid="idp-key-source"
            >
              <option value="discovery">Discover from the issuer's metadata (OpenID Connect / RFC 8414)</option>
              <option value="jwks_uri">A JWKS URL</option>
              <option value="jwks">A static JWK Set</option>
            </Select>
          </FormField>
          {keySource === "jwks_uri" ? (
            <FormField label="JWKS URL" required error={errors.jwksUri}>
              <Input
                value={jwksUri}
                onChange={(e) => setJwksUri(e.target.value)}
                placeholder="https://acme.okta.com/oauth2/v1/keys"
                data-testid="idp-jwks-uri"
              />
            </FormField>
          ) : null}
          {keySource === "jwks" ? (
            <FormField
              label="JWK Set"
              required
              error={errors.jwks}
              description={row?.staticKeys ? "Paste the whole set again to change it." : "Public keys only."}
            >
              <Textarea
                value={jwks}
                onChange={(e) => setJwks(e.target.value)}
                rows={5}
                className="font-mono text-xs"
                placeholder='{"keys":[…]}'
                data-testid="idp-jwks"
              />
            </FormField>
          ) : null}
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Allowed algorithms</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {ISSUER_ALGORITHMS.map((a) => (
                <label key={a} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={algorithms.includes(a)}
                    onChange={(e) => setAlgorithms((prev) => toggle(prev, a, e.target.checked))}
                  />
                  <code className="font-mono text-xs">{a}</code>
                </label>
              ))}
            </div>
            {errors.algorithms ? <p className="text-xs font-medium text-destructive">{errors.algorithms}</p> : null}
          </fieldset>
          <FormField
            label="People are matched by"
            description="Subject: SCIM provisioning and console sign-in record each person's subject. Email: only when the IdP says it is verified."
          >
            <Select
              value={userMatch}
              onChange={(e) => setUserMatch(e.target.value as "sub" | "email")}
              data-testid="idp-user-match"
            >
              <option value="sub">Issuer and subject (sub)</option>
              <option value="email">Verified email</option>
            </Select>
          </FormField>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Enabled
          </label>
          {errors._form ? (
            <p className="text-sm font-medium text-destructive" data-testid="idp-form-error">
              {errors._form}
            </p>
          ) : null}
        </form>
        <DialogFooter>
          <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" form="issuer-form" disabled={pending} data-testid="save-idp">
            {pending ? "Saving…" : row ? "Save" : "Add identity provider"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** The "test" result: the keys the issuer publishes right now. */
function KeysDialog({
  result,
  onClose,
}: {
  result: { name: string; source: string; keys: PublishedKey[] } | null;
  onClose: () => void;
}) {
  return (
    <Dialog open={result !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent data-testid="idp-keys-dialog">
        <DialogHeader>
          <DialogTitle>Keys of {result?.name}</DialogTitle>
          <DialogDescription>
            {result?.keys.length ?? 0} key{result?.keys.length === 1 ? "" : "s"} from{" "}
            <code className="font-mono text-xs break-all">{result?.source}</code>
          </DialogDescription>
        </DialogHeader>
        <ul className="grid gap-1.5 text-sm">
          {result?.keys.map((k, i) => (
            <li
              key={`${k.kid}-${i}`}
              className="flex flex-wrap items-center gap-2 rounded-md border px-3 py-2"
              data-testid="idp-key"
            >
              <KeyRound className="size-4 text-muted-foreground" aria-hidden />
              <code className="font-mono text-xs">{k.kid ?? "(no kid)"}</code>
              <Badge variant="outline">{k.kty}</Badge>
              {k.alg ? <Badge variant="muted">{k.alg}</Badge> : null}
              {k.use ? <span className="text-xs text-muted-foreground">use {k.use}</span> : null}
            </li>
          ))}
        </ul>
        <DialogFooter>
          <Button onClick={onClose}>Close</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** A delegated agent's client ids at this IdP: the only ID tokens from it that the agent may exchange. */
function AgentClientsDialog({
  row,
  agents,
  canManage,
  onClose,
}: {
  row: IdentityProviderRow | null;
  agents: AgentOption[];
  canManage: boolean;
  onClose: () => void;
}) {
  const [agentId, setAgentId] = useState("");
  const [clientId, setClientId] = useState("");
  const removeClient = useConsoleAction(removeAgentIdpClientAction, { refresh: false, onSuccess: onClose });
  const addClient = useConsoleAction(addAgentIdpClientAction, {
    refresh: false,
    success: "Recorded",
    onSuccess: () => {
      setAgentId("");
      setClientId("");
      onClose();
    },
  });
  const pending = removeClient.pending || addClient.pending;
  const errors: Record<string, string | undefined> = addClient.error
    ? {
        agentId: addClient.fieldErrors.agentId,
        clientId:
          addClient.fieldErrors.clientId ??
          (Object.keys(addClient.error.fieldErrors ?? {}).length ? undefined : addClient.error.message),
      }
    : {};
  return (
    <Dialog open={row !== null} onOpenChange={(open) => (open || pending ? undefined : (addClient.reset(), onClose()))}>
      <DialogContent data-testid="idp-agents-dialog" className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Agents at {row?.name}</DialogTitle>
          <DialogDescription>
            An ID token from this IdP is exchanged only by the agent it was issued to: its aud (or azp) must be one of
            that agent's client ids here.
          </DialogDescription>
        </DialogHeader>
        {row && row.agentClients.length > 0 ? (
          <ul className="grid gap-1.5 text-sm">
            {row.agentClients.map((c) => (
              <li
                key={c.id}
                className="flex items-center justify-between gap-2 rounded-md border px-3 py-2"
                data-testid="idp-agent-client"
              >
                <span>
                  <span className="font-medium">{c.agentName}</span> <span className="text-muted-foreground">as</span>{" "}
                  <code className="font-mono text-xs">{c.clientId}</code>
                </span>
                {canManage ? (
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-8"
                    title="Remove"
                    onClick={() => void removeClient.run({ id: c.id }).then(toastRefusal)}
                  >
                    <X aria-hidden />
                    <span className="sr-only">Remove {c.clientId}</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">
            No agent's client id is recorded: no ID token from this IdP can be exchanged yet.
          </p>
        )}
        {canManage && row ? (
          <form
            className="grid gap-3 border-t pt-4"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void addClient.run({ idpId: row.id, agentId, clientId });
            }}
          >
            <FormField label="Delegated agent" error={errors.agentId}>
              <Select value={agentId} onChange={(e) => setAgentId(e.target.value)} data-testid="idp-agent-select">
                <option value="">Choose an agent…</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.clientId})
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Its client id at this IdP" error={errors.clientId}>
              <Input
                value={clientId}
                onChange={(e) => setClientId(e.target.value)}
                autoComplete="off"
                data-testid="idp-agent-client-id"
              />
            </FormField>
            <div className="flex justify-end">
              <Button type="submit" disabled={pending} data-testid="add-idp-agent-client">
                <Link2 aria-hidden />
                Record client id
              </Button>
            </div>
          </form>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

/** A workload issuer's rules: a JWT whose sub (and required claims) match acts as that autonomous agent, with no stored secret. */
function WorkloadRulesDialog({
  row,
  rules,
  agents,
  canManage,
  onClose,
}: {
  row: IdentityProviderRow | null;
  rules: WorkloadRuleRow[];
  agents: AgentOption[];
  canManage: boolean;
  onClose: () => void;
}) {
  const [agentId, setAgentId] = useState("");
  const [subject, setSubject] = useState("");
  const [claims, setClaims] = useState("");
  const removeRule = useConsoleAction(removeWorkloadIdentityAction, { refresh: false, success: "Rule removed" });
  const addRule = useConsoleAction(addWorkloadIdentityAction, {
    refresh: false,
    success: "Rule added",
    onSuccess: () => {
      setAgentId("");
      setSubject("");
      setClaims("");
    },
  });
  const pending = removeRule.pending || addRule.pending;
  const fe = addRule.error?.fieldErrors ?? {};
  const errors: Record<string, string | undefined> = addRule.error
    ? {
        agentId: fe.agentId?.[0],
        subject: fe.subject?.[0],
        // A claim's error is keyed by its name (claims.<name>): the textarea shows the first.
        claims: Object.entries(fe).find(([k]) => k === "claims" || k.startsWith("claims."))?.[1][0],
        _form: fe.idpId?.[0] ?? (Object.keys(fe).length ? undefined : addRule.error.message),
      }
    : {};
  const close = () => {
    addRule.reset();
    onClose();
  };
  return (
    <Dialog open={row !== null} onOpenChange={(open) => (open || pending ? undefined : close())}>
      <DialogContent data-testid="idp-workloads-dialog" className="max-h-[90vh] overflow-y-auto sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Workload identities at {row?.name}</DialogTitle>
          <DialogDescription>
            A workload JWT from this issuer, sent to the token endpoint with jwt-bearer, acts as the agent of the one
            rule it matches: its sub exactly, and every required claim exactly.
          </DialogDescription>
        </DialogHeader>
        {rules.length > 0 ? (
          <ul className="grid gap-1.5 text-sm">
            {rules.map((r) => (
              <li
                key={r.id}
                className="flex items-center justify-between gap-2 rounded-md border px-3 py-2"
                data-testid="idp-workload-rule"
              >
                <span className="grid gap-0.5">
                  <span>
                    <code className="font-mono text-xs break-all">{r.subject}</code>{" "}
                    <span className="text-muted-foreground">acts as</span>{" "}
                    <span className="font-medium">{r.agentName}</span>
                  </span>
                  {Object.entries(r.claims).map(([name, value]) => (
                    <code key={name} className="font-mono text-xs text-muted-foreground break-all">
                      {name} = {value}
                    </code>
                  ))}
                </span>
                {canManage ? (
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-8"
                    title="Remove"
                    disabled={pending}
                    data-testid="remove-idp-workload-rule"
                    onClick={() => void removeRule.run({ id: r.id }).then(toastRefusal)}
                  >
                    <X aria-hidden />
                    <span className="sr-only">Remove the rule for {r.subject}</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">No rule yet: no workload JWT from this issuer is accepted.</p>
        )}
        {canManage && row ? (
          <form
            className="grid gap-3 border-t pt-4"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void addRule.run({ idpId: row.id, agentId, subject, claims });
            }}
          >
            <FormField label="Autonomous agent" required error={errors.agentId}>
              <Select value={agentId} onChange={(e) => setAgentId(e.target.value)} data-testid="idp-workload-agent">
                <option value="">Choose an agent…</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.clientId})
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField
              label="Subject (sub)"
              required
              error={errors.subject}
              description="e.g. system:serviceaccount:ops:triage, spiffe://acme.example/ns/ops/sa/triage, repo:acme/app:ref:refs/heads/main"
            >
              <Input
                value={subject}
                onChange={(e) => setSubject(e.target.value)}
                autoComplete="off"
                className="font-mono text-xs"
                data-testid="idp-workload-subject"
              />
            </FormField>
            <FormField
              label="Required claims"
              error={errors.claims}
              description="Optional. One per line as name=value; a name with / walks nested claims (kubernetes.io/namespace=ops)."
            >
              <Textarea
                value={claims}
                onChange={(e) => setClaims(e.target.value)}
                rows={3}
                className="font-mono text-xs"
                data-testid="idp-workload-claims"
              />
            </FormField>
            {errors._form ? (
              <p className="text-sm font-medium text-destructive" data-testid="idp-workload-error">
                {errors._form}
              </p>
            ) : null}
            <div className="flex justify-end">
              <Button type="submit" disabled={pending} data-testid="add-idp-workload-rule">
                <Plus aria-hidden />
                Add rule
              </Button>
            </div>
          </form>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

/** Settings → Identity providers: the issuers whose tokens Mandate accepts, in which roles, with which keys. */
export function IdentityProvidersPanel({
  rows,
  agents,
  workloadAgents,
  workloadRules,
  canManage,
}: {
  rows: IdentityProviderRow[];
  agents: AgentOption[];
  workloadAgents: AgentOption[];
  workloadRules: WorkloadRuleRow[];
  canManage: boolean;
}) {
  const [editing, setEditing] = useState<{ row: IdentityProviderRow | null; key: number } | null>(null);
  const [keys, setKeys] = useState<{ name: string; source: string; keys: PublishedKey[] } | null>(null);
  const [agentsOf, setAgentsOf] = useState<string | null>(null);
  const [workloadsOf, setWorkloadsOf] = useState<string | null>(null);
  const rulesOf = useMemo(() => {
    const by = new Map<string, WorkloadRuleRow[]>();
    for (const r of workloadRules) by.set(r.idpId, [...(by.get(r.idpId) ?? []), r]);
    return by;
  }, [workloadRules]);
  // One test at a time across the rows: every Test button waits for the one running.
  const tester = useConsoleAction((r: IdentityProviderRow) => testTrustedIssuerAction({ id: r.id }), {
    refresh: false,
    onSuccess: (data, r) => setKeys({ name: r.name, ...data }),
  });
  const testing = tester.pending;
  const remover = useConsoleAction((r: IdentityProviderRow) => removeTrustedIssuerAction({ id: r.id }), {
    refresh: false,
    success: (_data, r) => `No longer trusting ${r.name}`,
  });
  const columns = useMemo<ColumnDef<IdentityProviderRow>[]>(
    () => [
      {
        accessorKey: "name",
        header: ({ column }) => <DataTableColumnHeader column={column} title="Name" />,
        cell: ({ row }) => (
          <div className="grid">
            <span className="font-medium">{row.original.name}</span>
            <code className="font-mono text-xs text-muted-foreground break-all">{row.original.issuer}</code>
          </div>
        ),
      },
      {
        id: "roles",
        accessorFn: (r) => r.roles.join(" "),
        header: ({ column }) => <DataTableColumnHeader column={column} title="Roles" />,
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            {row.original.roles.map((r) => (
              <Badge key={r} variant="secondary">
                {ISSUER_ROLE_LABELS[r]}
              </Badge>
            ))}
          </div>
        ),
      },
      {
        id: "keys",
        enableSorting: false,
        header: ({ column }) => <DataTableColumnHeader column={column} title="Keys" />,
        cell: ({ row }) =>
          row.original.keySource === "jwks" ? (
            <span className="text-sm">Static, {row.original.staticKeys?.length ?? 0} keys</span>
          ) : (
            <code className="font-mono text-xs text-muted-foreground break-all">{row.original.jwksUri}</code>
          ),
      },
      {
        id: "agents",
        accessorFn: (r) => r.agentClients.length,
        header: ({ column }) => <DataTableColumnHeader column={column} title="Agents" />,
        cell: ({ row }) => {
          const rules = rulesOf.get(row.original.id)?.length ?? 0;
          return (
            <div className="grid justify-items-start gap-1">
              <Button
                variant="link"
                className="h-auto p-0"
                onClick={() => setAgentsOf(row.original.id)}
                data-testid="idp-agents"
              >
                {row.original.agentClients.length} agent{row.original.agentClients.length === 1 ? "" : "s"}
              </Button>
              {/* Only a workload issuer's JWTs can act as an agent: the rules are offered for it alone. */}
              {row.original.roles.includes("workload_issuer") ? (
                <Button
                  variant="link"
                  className="h-auto p-0"
                  onClick={() => setWorkloadsOf(row.original.id)}
                  data-testid="idp-workloads"
                >
                  <ServerCog aria-hidden />
                  {rules} workload rule{rules === 1 ? "" : "s"}
                </Button>
              ) : null}
            </div>
          );
        },
      },
      {
        id: "status",
        accessorFn: (r) => (r.enabled ? "enabled" : "disabled"),
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => (
          <StatusBadge variant={row.original.enabled ? "success" : "neutral"}>
            {row.original.enabled ? "enabled" : "disabled"}
          </StatusBadge>
        ),
      },
      {
        id: "actions",
        enableSorting: false,
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => {
          const r = row.original;
          if (!canManage) return null;
          return (
            <div className="flex justify-end gap-0.5">
              <Button
                variant="ghost"
                size="sm"
                disabled={testing}
                data-testid="test-idp"
                onClick={() => void tester.run(r).then(toastRefusal)}
              >
                <KeyRound aria-hidden />
                Test
              </Button>
              <Button
                variant="ghost"
                size="icon"
                className="size-8"
                title="Edit"
                onClick={() => setEditing({ row: r, key: Date.now() })}
                data-testid="edit-idp"
              >
                <Pencil aria-hidden />
                <span className="sr-only">Edit {r.name}</span>
              </Button>
              <ConfirmDialog
                title={`Stop trusting ${r.name}?`}
                description="Its tokens are refused from the next request, and the agents' client ids recorded for it are removed. Sessions already started keep running until they end or are revoked."
                confirmLabel="Remove identity provider"
                onConfirm={async () => {
                  await remover.runOrThrow(r);
                }}
                trigger={
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-8 text-destructive hover:text-destructive"
                    title="Remove"
                    data-testid="remove-idp"
                  >
                    <Trash2 aria-hidden />
                    <span className="sr-only">Remove {r.name}</span>
                  </Button>
                }
              />
            </div>
          );
        },
      },
    ],
    [canManage, testing, rulesOf],
  );
  const add = canManage ? (
    <Button onClick={() => setEditing({ row: null, key: Date.now() })} data-testid="add-idp">
      <Plus aria-hidden />
      Add identity provider
    </Button>
  ) : undefined;
  return (
    <section aria-labelledby="idp-heading" className="grid gap-3" data-testid="identity-providers">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="grid gap-1">
          <h2 id="idp-heading" className="font-semibold">
            Identity providers <span className="text-muted-foreground font-normal">({rows.length})</span>
          </h2>
          <p className="text-sm text-muted-foreground">
            Issuers whose signed tokens Mandate accepts: enterprise IdPs, ID-JAG issuers and workload issuers.
          </p>
        </div>
        {rows.length > 0 ? add : null}
      </div>
      <DataTable
        label="Identity providers"
        columns={columns}
        data={rows}
        getRowId={(r) => r.id}
        searchPlaceholder="Filter by name…"
        emptyState={
          <EmptyState
            icon={Fingerprint}
            title="No identity providers"
            description="Add your enterprise IdP so agents can act for people who sign in there."
            action={add}
          />
        }
      />
      {editing ? (
        <IssuerDialog
          key={editing.key}
          row={editing.row}
          open
          onOpenChange={(open) => (open ? undefined : setEditing(null))}
        />
      ) : null}
      <KeysDialog result={keys} onClose={() => setKeys(null)} />
      <AgentClientsDialog
        row={rows.find((r) => r.id === agentsOf) ?? null}
        agents={agents}
        canManage={canManage}
        onClose={() => setAgentsOf(null)}
      />
      <WorkloadRulesDialog
        row={rows.find((r) => r.id === workloadsOf) ?? null}
        rules={workloadsOf ? (rulesOf.get(workloadsOf) ?? []) : []}
        agents={workloadAgents}
        canManage={canManage}
        onClose={() => setWorkloadsOf(null)}
      />
    </section>
  );
}
