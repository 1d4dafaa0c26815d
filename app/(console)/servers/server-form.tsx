"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";
import { slugOf } from "@/lib/servers/slug";
import { registerServerAction, updateServerAction } from "./actions";

/** What the form starts with; on edit, everything but the credential, which never leaves the server. */
export type ServerFormValues = {
  name: string;
  description: string;
  category: string;
  resourceUri: string;
  authorizationServerIssuer: string;
  enforcementMode: "native" | "gateway";
  upstreamUrl: string;
  argumentLogging: "none" | "hash" | "redacted";
  introspects: boolean;
  ownerEmail: string;
};

/** `issuer` is MANDATE_ISSUER: a gateway server's resource URI is derived from it and the slug. */
type Props =
  | { mode: "create"; issuer: string; initial: ServerFormValues }
  | {
      mode: "edit";
      issuer: string;
      slug: string;
      serverId: string;
      initial: ServerFormValues;
      hasUpstreamCredential: boolean;
    };

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** What the form sends: the values, plus the credential typed (empty to keep the stored one). */
type ServerInput = ServerFormValues & { upstreamCredential: string };

/**
 * Register or edit an MCP server. The server action validates with the same
 * zod schema as the YAML importer; its field errors are shown at the inputs.
 */
export function ServerForm(props: Props) {
  const router = useRouter();
  const [mode, setMode] = useState(props.initial.enforcementMode);
  const [clearCredential, setClearCredential] = useState(false);
  const [name, setName] = useState(props.initial.name);
  // The slug is fixed at registration; while registering, it follows the name being typed.
  const slug = props.mode === "edit" ? props.slug : slugOf(name);
  const gatewayUrl = gatewayResourceUri(props.issuer, slug || "<name>");
  const save = useConsoleAction(
    (values: ServerInput) =>
      props.mode === "create"
        ? registerServerAction(values)
        : updateServerAction({ ...values, id: props.serverId, clearUpstreamCredential: clearCredential }),
    {
      success: (_data, values) =>
        props.mode === "create" ? `Registered ${values.name.trim()}` : `Saved ${values.name.trim()}`,
      onSuccess: (data) => router.push(`/servers/${data.id}`),
    },
  );
  const { pending, error } = save;
  const errorOf = (field: string) => save.fieldErrors[field];
  // A refusal that names no input (or only the form as a whole) is shown above the form.
  const fieldless =
    error !== null && (!error.fieldErrors || Object.keys(error.fieldErrors).every((k) => k === "_form"));
  const formError = error && fieldless ? (error.fieldErrors?._form?.[0] ?? error.message) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values: ServerInput = {
      name: text(form, "name"),
      description: text(form, "description"),
      category: text(form, "category"),
      resourceUri: text(form, "resourceUri"),
      authorizationServerIssuer: text(form, "authorizationServerIssuer"),
      enforcementMode: mode,
      // A hidden upstream field is not sent: native servers have no upstream.
      upstreamUrl: mode === "gateway" ? text(form, "upstreamUrl") : "",
      argumentLogging: text(form, "argumentLogging") as ServerFormValues["argumentLogging"],
      introspects: mode === "native" && form.get("introspects") === "on",
      ownerEmail: text(form, "ownerEmail"),
      upstreamCredential: clearCredential ? "" : text(form, "upstreamCredential"),
    };
    void save.run(values);
  }

  const { initial } = props;
  return (
    <form onSubmit={submit} noValidate className="grid max-w-2xl gap-5" data-testid="server-form">
      {formError ? (
        <p
          role="alert"
          data-testid="server-form-error"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {formError}
        </p>
      ) : null}
      <FormField
        label="Name"
        required
        error={errorOf("name")}
        description={
          props.mode === "create" ? "Its gateway path and default tool scopes are derived from it." : undefined
        }
      >
        <Input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" />
      </FormField>
      <FormField
        label="Resource URI"
        required={mode === "native"}
        error={errorOf("resourceUri")}
        description={
          mode === "gateway"
            ? `Its gateway URL, ${gatewayUrl}: MCP clients accept only the URL they connect to. Leave empty to use it.`
            : "The RFC 8707 resource indicator agents ask tokens for; also where native servers are reached."
        }
      >
        <Input
          name="resourceUri"
          type="url"
          defaultValue={initial.resourceUri}
          placeholder={mode === "gateway" ? gatewayUrl : "https://mcp.example.com/mcp"}
          autoComplete="off"
          data-testid="resource-uri"
        />
      </FormField>
      <FormField
        label="Enforcement"
        error={errorOf("enforcementMode")}
        description="Native: the server validates Mandate's tokens itself. Gateway: Mandate fronts it and enforces every tool call."
      >
        <Select
          name="enforcementMode"
          value={mode}
          onChange={(e) => setMode(e.target.value === "gateway" ? "gateway" : "native")}
        >
          <option value="native">Native</option>
          <option value="gateway">Gateway</option>
        </Select>
      </FormField>
      {mode === "gateway" ? (
        <>
          <FormField
            label="Upstream URL"
            required
            error={errorOf("upstreamUrl")}
            description="The MCP endpoint the gateway forwards calls to."
          >
            <Input
              name="upstreamUrl"
              type="url"
              defaultValue={initial.upstreamUrl}
              placeholder="https://internal.example.com/mcp"
              autoComplete="off"
            />
          </FormField>
        </>
      ) : null}
      <FormField
        label="Upstream credential"
        error={errorOf("upstreamCredential")}
        description={
          props.mode === "edit" && props.hasUpstreamCredential
            ? "A credential is stored (encrypted). Leave this empty to keep it, or enter a new one to replace it."
            : "Optional. Sent as a bearer token to the server when Mandate lists its tools or forwards calls. Stored encrypted; never shown again."
        }
      >
        <Input
          name="upstreamCredential"
          type="password"
          autoComplete="new-password"
          disabled={clearCredential}
          placeholder={props.mode === "edit" && props.hasUpstreamCredential ? "•••••••• (stored)" : ""}
        />
      </FormField>
      {props.mode === "edit" && props.hasUpstreamCredential ? (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="clearUpstreamCredential"
            checked={clearCredential}
            onChange={(e) => setClearCredential(e.target.checked)}
          />
          Remove the stored credential
        </label>
      ) : null}
      {mode === "native" ? (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="introspects"
            defaultChecked={initial.introspects}
            data-testid="server-introspects"
          />
          It introspects every token with Mandate (RFC 7662), so a revocation reaches it at its next call
        </label>
      ) : null}
      <FormField
        label="Authorization server issuer"
        error={errorOf("authorizationServerIssuer")}
        description="Optional. The issuer whose tokens the server accepts; for gateway servers, Mandate itself."
      >
        <Input
          name="authorizationServerIssuer"
          type="url"
          defaultValue={initial.authorizationServerIssuer}
          autoComplete="off"
        />
      </FormField>
      <FormField
        label="Argument logging"
        error={errorOf("argumentLogging")}
        description="What the audit trail keeps of tool-call arguments passing through the gateway."
      >
        <Select name="argumentLogging" defaultValue={initial.argumentLogging}>
          <option value="none">None</option>
          <option value="hash">Hash</option>
          <option value="redacted">Redacted</option>
        </Select>
      </FormField>
      <FormField
        label="Owner"
        error={errorOf("ownerEmail")}
        description="Email of the person accountable for this server."
      >
        <Input name="ownerEmail" type="email" defaultValue={initial.ownerEmail} autoComplete="off" />
      </FormField>
      <FormField label="Category" error={errorOf("category")}>
        <Input name="category" defaultValue={initial.category} maxLength={100} autoComplete="off" />
      </FormField>
      <FormField label="Description" error={errorOf("description")}>
        <Textarea name="description" defaultValue={initial.description} maxLength={1000} />
      </FormField>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending} aria-busy={pending} data-testid="server-form-submit">
          {pending ? "Saving…" : props.mode === "create" ? "Register server" : "Save changes"}
        </Button>
        <Button variant="outline" asChild>
          <Link href={props.mode === "create" ? "/servers" : `/servers/${props.serverId}`}>Cancel</Link>
        </Button>
      </div>
    </form>
  );
}
