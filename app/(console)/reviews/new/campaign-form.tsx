"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Combobox, type ComboboxOption, MultiCombobox } from "@/components/ui/combobox";
import { FormField, useFocusFirstError } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";
import { REVIEWER_POLICIES, REVIEWER_POLICY_LABELS, type ReviewerPolicy } from "@/lib/reviews/campaign-schemas";
import type { ActionError } from "@/app/_server/action-result";
import { createCampaignAction } from "../actions";

export type Option = ComboboxOption;

function ScopePicker({
  name,
  options,
  label,
  noun,
  error,
}: {
  name: string;
  options: Option[];
  label: string;
  noun: string;
  error?: string;
}) {
  return (
    <FormField label={label} error={error}>
      <MultiCombobox
        name={name}
        label={label}
        options={options}
        placeholder="Any"
        searchPlaceholder={`Search ${noun}…`}
        data-testid={`scope-${name}`}
      />
    </FormField>
  );
}

/** The campaign definition; the server validates it again (zod) and checks every reviewer can review. */
export function CampaignForm(props: {
  servers: Option[];
  entitlements: Option[];
  agents: Option[];
  owners: Option[];
  reviewers: Option[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);
  const [policy, setPolicy] = useState<ReviewerPolicy>("agent_owner");
  const err = (field: string) => error?.fieldErrors?.[field]?.[0] ?? error?.fieldErrors?.[`scope.${field}`]?.[0];
  const defaultDue = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

  function submit(form: FormData) {
    const text = (name: string) => String(form.get(name) ?? "");
    const all = (name: string) => form.getAll(name).map(String);
    const due = text("dueAt");
    const input = {
      name: text("name"),
      description: text("description") || undefined,
      scope: {
        serverIds: all("serverIds"),
        entitlementIds: all("entitlementIds"),
        agentIds: all("agentIds"),
        ownerIds: all("ownerIds"),
        principalTypes: all("principalTypes") as ("agent" | "user" | "group")[],
        minRisk: (text("minRisk") || undefined) as "read" | "write" | "destructive" | undefined,
      },
      reviewerPolicy: policy,
      namedReviewerIds: all("namedReviewerIds"),
      fallbackReviewerId: text("fallbackReviewerId"),
      secondLevelReviewerId: text("secondLevelReviewerId"),
      unreviewedPolicy: text("unreviewedPolicy") as "keep" | "remove",
      // End of the chosen day, UTC.
      dueAt: due ? `${due}T23:59:59.000Z` : "",
      reminderIntervalDays: text("reminderIntervalDays"),
      escalateAfterDays: text("escalateAfterDays"),
      recurrenceDays: text("recurrenceDays"),
    };
    startTransition(async () => {
      const result = await createCampaignAction(input);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      toast.success("Campaign created: review the scope, then launch it");
      router.push(`/reviews/${result.data.id}`);
    });
  }

  return (
    <form ref={formRef} action={submit} className="grid max-w-3xl gap-5" noValidate data-testid="campaign-form">
      {error ? (
        <p
          role="alert"
          data-testid="form-error"
          data-slot="form-error"
          tabIndex={-1}
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {error.message}
        </p>
      ) : null}
      <FormField label="Name" required error={err("name")}>
        <Input name="name" maxLength={120} autoComplete="off" />
      </FormField>
      <FormField label="Description" error={err("description")}>
        <Textarea name="description" maxLength={1000} />
      </FormField>
      <fieldset className="grid gap-3 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">
          Scope (every filter chosen must match; none chosen: all live assignments)
        </legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <ScopePicker
            name="serverIds"
            options={props.servers}
            label="MCP servers"
            noun="servers"
            error={err("serverIds")}
          />
          <ScopePicker
            name="entitlementIds"
            options={props.entitlements}
            label="Entitlements"
            noun="entitlements"
            error={err("entitlementIds")}
          />
          <ScopePicker name="agentIds" options={props.agents} label="Agents" noun="agents" error={err("agentIds")} />
          <ScopePicker
            name="ownerIds"
            options={props.owners}
            label="Agents owned by"
            noun="people by name or email"
            error={err("ownerIds")}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField label="Minimum risk">
            <Select name="minRisk" defaultValue="">
              <option value="">Any</option>
              <option value="write">Write or destructive</option>
              <option value="destructive">Destructive only</option>
            </Select>
          </FormField>
          <fieldset className="grid gap-1 text-sm">
            <legend className="mb-1 font-medium">Holders</legend>
            {(["agent", "user", "group"] as const).map((t) => (
              <label key={t} className="flex items-center gap-2">
                <input type="checkbox" name="principalTypes" value={t} />{" "}
                {t === "agent" ? "Agents" : t === "user" ? "People" : "Groups"}
              </label>
            ))}
          </fieldset>
        </div>
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">Reviewers</legend>
        <FormField label="Who reviews each item" required>
          <Select name="reviewerPolicy" value={policy} onChange={(e) => setPolicy(e.target.value as ReviewerPolicy)}>
            {REVIEWER_POLICIES.map((p) => (
              <option key={p} value={p}>
                {REVIEWER_POLICY_LABELS[p]}
              </option>
            ))}
          </Select>
        </FormField>
        {policy === "named" ? (
          <FormField label="Named reviewers (items shared in turn)" error={err("namedReviewerIds")}>
            <MultiCombobox
              name="namedReviewerIds"
              label="Named reviewers"
              options={props.reviewers}
              placeholder="Choose reviewers…"
              searchPlaceholder="Search reviewers by name or email…"
            />
          </FormField>
        ) : null}
        <FormField
          label="Fallback reviewer"
          required
          error={err("fallbackReviewerId")}
          description="Takes any item whose reviewer is missing, cannot review, or would review their own access."
        >
          <Combobox
            name="fallbackReviewerId"
            options={props.reviewers}
            placeholder="Choose a reviewer…"
            searchPlaceholder="Search reviewers by name or email…"
          />
        </FormField>
        <FormField
          label="Second-level reviewer (optional)"
          error={err("secondLevelReviewerId")}
          description="Confirms every first-level decision; theirs is final."
        >
          <Combobox
            name="secondLevelReviewerId"
            options={props.reviewers}
            noneLabel="None"
            searchPlaceholder="Search reviewers by name or email…"
          />
        </FormField>
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-medium">Schedule</legend>
        <FormField
          label="Due date"
          required
          error={err("dueAt")}
          description="The campaign is due at the end of this day, UTC."
        >
          <Input name="dueAt" type="date" defaultValue={defaultDue} />
        </FormField>
        <FormField label="Unreviewed items at close" description="Remove treats them as revoked.">
          <Select name="unreviewedPolicy" defaultValue="keep">
            <option value="keep">Keep the access</option>
            <option value="remove">Remove the access</option>
          </Select>
        </FormField>
        <FormField label="Remind every (days)" error={err("reminderIntervalDays")}>
          <Input name="reminderIntervalDays" type="number" min={1} max={365} />
        </FormField>
        <FormField label="Escalate (days after due)" error={err("escalateAfterDays")}>
          <Input name="escalateAfterDays" type="number" min={0} max={365} />
        </FormField>
        <FormField
          label="Repeat every (days)"
          error={err("recurrenceDays")}
          description="A recurring campaign launches a fresh copy on this cycle."
        >
          <Input name="recurrenceDays" type="number" min={1} max={365} />
        </FormField>
      </fieldset>
      <div>
        <Button type="submit" disabled={pending} data-testid="create-campaign">
          {pending ? "Creating…" : "Create campaign"}
        </Button>
      </div>
    </form>
  );
}
