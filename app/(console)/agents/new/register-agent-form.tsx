"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { Combobox } from "@/components/ui/combobox";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { DEFAULT_TOKEN_LIFETIME_SECONDS } from "@/lib/agents/agent-schemas";
import { GRANT_TYPE_LABELS, GRANT_TYPES_BY_KIND, type GrantType } from "@/lib/agents/grant-types";
import { personOptions, type PersonOption } from "@/lib/people/person-option";
import { registerAgentAction } from "../actions";
import { SecretDialog } from "../secret-dialog";

type Kind = Exclude<keyof typeof GRANT_TYPES_BY_KIND, "interactive">;
type AuthMethod = "private_key_jwt" | "client_secret_basic" | "client_secret_post";
type KeySource = "url" | "upload";

export function RegisterAgentForm({ people }: { people: PersonOption[] }) {
  const router = useRouter();
  const [kind, setKind] = useState<Kind>("autonomous");
  const [authMethod, setAuthMethod] = useState<AuthMethod>("private_key_jwt");
  const [keySource, setKeySource] = useState<KeySource>("url");
  const [grants, setGrants] = useState<GrantType[]>([...GRANT_TYPES_BY_KIND.autonomous]);
  const [created, setCreated] = useState<{ id: string; clientId: string; secret: string | null } | null>(null);
  const registration = useConsoleAction(registerAgentAction, {
    success: (data) => `Registered ${data.clientId}`,
    toastErrors: true,
    refresh: false,
    onSuccess: (data) => {
      if (data.clientSecret) setCreated({ id: data.id, clientId: data.clientId, secret: data.clientSecret });
      else router.push(`/agents/${data.id}`);
    },
  });
  const { pending, error, fieldErrors: errors } = registration;

  function changeKind(next: Kind) {
    setKind(next);
    // The grants a kind may use differ entirely: start from all of the new kind's.
    setGrants([...GRANT_TYPES_BY_KIND[next]]);
  }

  function submit(form: FormData) {
    const text = (name: string) => String(form.get(name) ?? "");
    void registration.run({
      name: text("name"),
      ownerId: text("ownerId"),
      purpose: text("purpose"),
      kind,
      authMethod,
      jwksUri: authMethod === "private_key_jwt" && keySource === "url" ? text("jwksUri") : undefined,
      jwks: authMethod === "private_key_jwt" && keySource === "upload" ? text("jwks") : undefined,
      allowedGrantTypes: grants,
      maxTokenLifetimeSeconds: text("maxTokenLifetimeSeconds"),
    });
  }

  return (
    <>
      <form action={submit} className="grid max-w-2xl gap-5" noValidate data-testid="register-agent-form">
        {error && !error.fieldErrors ? (
          <p
            role="alert"
            className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
          >
            {error.message}
          </p>
        ) : null}
        <FormField
          label="Name"
          required
          error={errors.name}
          description="Its client ID is derived from it: agent-<name>."
        >
          <Input name="name" autoComplete="off" maxLength={80} />
        </FormField>
        <FormField
          label="Owner"
          required
          error={errors.ownerId}
          description="The person who answers for this agent in reviews and incidents."
        >
          <Combobox
            name="ownerId"
            options={personOptions(people)}
            placeholder="Choose a person…"
            searchPlaceholder="Search people by name or email…"
          />
        </FormField>
        <FormField label="Purpose" required error={errors.purpose}>
          <Textarea name="purpose" maxLength={1000} />
        </FormField>
        <FormField
          label="Kind"
          required
          error={errors.kind}
          description="Autonomous agents act as themselves; delegated agents act for a signed-in person."
        >
          <Select name="kind" value={kind} onChange={(e) => changeKind(e.target.value as Kind)}>
            <option value="autonomous">Autonomous</option>
            <option value="delegated">Delegated (on behalf of a user)</option>
          </Select>
        </FormField>
        <fieldset className="grid gap-2" aria-describedby={errors.allowedGrantTypes ? "grant-types-error" : undefined}>
          <legend className="mb-1 text-sm font-medium">Allowed grant types</legend>
          {GRANT_TYPES_BY_KIND[kind].map((g) => (
            <label key={g} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={grants.includes(g)}
                onChange={(e) => setGrants((prev) => (e.target.checked ? [...prev, g] : prev.filter((x) => x !== g)))}
              />
              {GRANT_TYPE_LABELS[g]} <span className="font-mono text-xs text-muted-foreground">{g}</span>
            </label>
          ))}
          {errors.allowedGrantTypes ? (
            <p id="grant-types-error" className="text-xs font-medium text-destructive">
              {errors.allowedGrantTypes}
            </p>
          ) : null}
        </fieldset>
        <FormField label="Client authentication" required error={errors.authMethod}>
          <Select name="authMethod" value={authMethod} onChange={(e) => setAuthMethod(e.target.value as AuthMethod)}>
            <option value="private_key_jwt">Private key JWT (recommended)</option>
            <option value="client_secret_basic">Client secret (HTTP Basic)</option>
            <option value="client_secret_post">Client secret (POST body)</option>
          </Select>
        </FormField>
        {authMethod === "private_key_jwt" ? (
          <>
            <FormField label="Public keys">
              <Select value={keySource} onChange={(e) => setKeySource(e.target.value as KeySource)}>
                <option value="url">Fetched from a JWKS URL</option>
                <option value="upload">Uploaded JWK Set</option>
              </Select>
            </FormField>
            {keySource === "url" ? (
              <FormField
                label="JWKS URL"
                required
                error={errors.jwksUri}
                description="https (http only for localhost)."
              >
                <Input name="jwksUri" type="url" placeholder="https://agent.example.com/.well-known/jwks.json" />
              </FormField>
            ) : (
              <FormField
                label="JWK Set"
                required
                error={errors.jwks}
                description="Public keys only, each with a kid: ES256 (P-256), EdDSA (Ed25519) or RS256 (≥ 2048 bits)."
              >
                <Textarea
                  name="jwks"
                  className="min-h-40 font-mono text-xs"
                  placeholder='{"keys":[{"kty":"EC","crv":"P-256","kid":"…","x":"…","y":"…"}]}'
                />
              </FormField>
            )}
          </>
        ) : (
          <p className="text-sm text-muted-foreground">
            A 256-bit client secret is generated and shown once after registering.
          </p>
        )}
        <FormField
          label="Maximum token lifetime (seconds)"
          error={errors.maxTokenLifetimeSeconds}
          description="60 to 3600."
        >
          <Input
            name="maxTokenLifetimeSeconds"
            type="number"
            min={60}
            max={3600}
            defaultValue={DEFAULT_TOKEN_LIFETIME_SECONDS}
          />
        </FormField>
        <div>
          <Button type="submit" disabled={pending} data-testid="register-agent-submit">
            {pending ? "Registering…" : "Register agent"}
          </Button>
        </div>
      </form>
      <SecretDialog
        clientId={created?.clientId ?? ""}
        secret={created?.secret ?? null}
        onClose={() => {
          const id = created?.id;
          setCreated(null);
          if (id) router.push(`/agents/${id}`);
        }}
      />
    </>
  );
}
