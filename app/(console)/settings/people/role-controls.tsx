"use client";

import { MonitorX, X } from "lucide-react";
import { useId, useState } from "react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Select } from "@/components/ui/select";
import { CONSOLE_ROLES, ROLE_DESCRIPTIONS, ROLE_LABELS, type ConsoleRole } from "@/lib/auth/permissions";
import type { ConsolePerson } from "@/lib/people/list-people";
import { grantRole, removeRole, signOutPersonEverywhere } from "./actions";

/** A role badge; for those who manage roles, with a button that removes the role after confirmation. */
export function RoleBadge({
  person,
  role,
  canManage,
  isSelf,
}: {
  person: ConsolePerson;
  role: ConsoleRole;
  canManage: boolean;
  isSelf: boolean;
}) {
  const label = ROLE_LABELS[role];
  const removal = useConsoleAction(removeRole, {
    success: `Removed the ${label} role from ${person.displayName}`,
    refresh: false,
  });
  if (!canManage) {
    return (
      <Badge variant={role === "admin" ? "default" : "secondary"} title={ROLE_DESCRIPTIONS[role]}>
        {label}
      </Badge>
    );
  }
  return (
    <Badge variant={role === "admin" ? "default" : "secondary"} title={ROLE_DESCRIPTIONS[role]} className="pr-0.5">
      {label}
      <ConfirmDialog
        title={`Remove the ${label} role?`}
        description={
          isSelf ? (
            <>
              You are removing your own {label} role: you lose what it allows as soon as you confirm, and another admin
              has to grant it back.
            </>
          ) : (
            <>
              {person.displayName} ({person.email}) loses what the {label} role allows on their next request. Their
              other roles stay.
            </>
          )
        }
        confirmLabel={`Remove ${label}`}
        onConfirm={async () => {
          await removal.runOrThrow({ userId: person.id, role });
        }}
        trigger={
          <button
            type="button"
            aria-label={`Remove the ${label} role from ${person.displayName}`}
            data-testid={`remove-role-${role}`}
            className="ml-0.5 flex size-4 items-center justify-center rounded-sm opacity-70 outline-none hover:bg-background/20 hover:opacity-100 focus-visible:ring-2 focus-visible:ring-ring/50"
          >
            <X className="size-3" aria-hidden />
          </button>
        }
      />
    </Badge>
  );
}

/** Role picker + Grant button; refusals show as a toast and under the picker. */
export function GrantRoleForm({ person, isSelf }: { person: ConsolePerson; isSelf: boolean }) {
  const missing = CONSOLE_ROLES.filter((r) => !person.roles.includes(r));
  const [role, setRole] = useState<ConsoleRole | "">("");
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const grant = useConsoleAction(grantRole, {
    success: (_, input) => `Granted the ${ROLE_LABELS[input.role]} role to ${person.displayName}`,
    toastErrors: true,
    refresh: false,
    onSuccess: () => setRole(""),
  });
  const { pending } = grant;
  const error = choiceError ?? (grant.error ? (Object.values(grant.fieldErrors)[0] ?? grant.error.message) : null);
  const errorId = useId();

  if (isSelf) {
    return <p className="text-xs text-muted-foreground">Another admin grants your roles</p>;
  }
  if (!person.active) {
    return <p className="text-xs text-muted-foreground">Deactivated</p>;
  }
  if (missing.length === 0) {
    return <p className="text-xs text-muted-foreground">Holds every role</p>;
  }

  return (
    <form
      className="grid gap-1"
      onSubmit={(event) => {
        event.preventDefault();
        if (!role) {
          setChoiceError("Choose a role");
          return;
        }
        void grant.run({ userId: person.id, role });
      }}
    >
      <div className="flex items-center gap-2">
        <div className="w-36">
          <Select
            aria-label={`Role to grant to ${person.displayName}`}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            value={role}
            onChange={(event) => {
              setRole(event.target.value as ConsoleRole | "");
              setChoiceError(null);
              grant.reset();
            }}
            className="h-8 text-xs"
            data-testid="grant-role-select"
          >
            <option value="">Add a role…</option>
            {missing.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </div>
        <Button
          type="submit"
          size="sm"
          variant="outline"
          disabled={pending}
          aria-busy={pending}
          data-testid="grant-role"
        >
          {pending ? "Granting…" : "Grant"}
        </Button>
      </div>
      {error ? (
        <p id={errorId} role="alert" className="max-w-64 text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** Ends every console session of someone else: for a lost device or a compromised account. */
export function SignOutEverywhereButton({ person }: { person: ConsolePerson }) {
  const signOut = useConsoleAction(signOutPersonEverywhere, {
    success: (data) =>
      data.ended === 1
        ? `Ended 1 console session of ${person.displayName}`
        : `Ended ${data.ended} console sessions of ${person.displayName}`,
    refresh: false,
  });
  return (
    <ConfirmDialog
      title={`Sign ${person.displayName} out everywhere?`}
      description={
        <>
          This ends all{" "}
          {person.openSessions === 1 ? "1 open console session" : `${person.openSessions} open console sessions`} of{" "}
          {person.email} at once, on every browser and device. Their roles stay; they can sign in again. If the account
          is compromised, also remove its roles or reset its password.
        </>
      }
      confirmLabel="Sign out everywhere"
      onConfirm={async () => {
        await signOut.runOrThrow({ userId: person.id });
      }}
      trigger={
        <Button
          variant="ghost"
          size="sm"
          disabled={person.openSessions === 0}
          title={person.openSessions === 0 ? "No open console sessions" : undefined}
          data-testid="sign-out-person-everywhere"
        >
          <MonitorX aria-hidden />
          Sign out everywhere
        </Button>
      }
    />
  );
}
