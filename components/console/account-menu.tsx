"use client";

import { LogOut, MonitorX, UserRound } from "lucide-react";
import { useEffect, useRef, useState, useTransition } from "react";
import { signOut, signOutEverywhere } from "@/app/(auth)/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import type { SignedInPerson } from "./top-bar";

/** Who is signed in, their roles, and the ways out. */
export function AccountMenu({ person }: { person: SignedInPerson }) {
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      // The "sign out everywhere" confirmation is portalled outside the menu: a
      // click in it must not close the menu, which would unmount the dialog.
      if (e instanceof MouseEvent && (e.target as Element | null)?.closest?.("[role=alertdialog]")) return;
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const run = (action: typeof signOut) =>
    startTransition(async () => {
      const result = await action({});
      if (result && !result.ok) toast.error(result.error.message);
    });

  return (
    <div ref={ref} className="relative">
      <Button
        variant="ghost"
        size="sm"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="account-menu"
      >
        <UserRound className="size-4" aria-hidden />
        <span className="max-w-48 truncate">{person.displayName}</span>
      </Button>
      {open ? (
        <div
          role="menu"
          className="absolute right-0 top-full z-40 mt-2 w-72 rounded-lg border bg-card p-3 text-sm shadow-lg"
        >
          <p className="font-medium">{person.displayName}</p>
          <p className="truncate text-muted-foreground">{person.email}</p>
          <div className="mt-2 flex flex-wrap gap-1" data-testid="account-roles">
            {person.roles.map((r) => (
              <Badge key={r} variant="secondary">
                {ROLE_LABELS[r]}
              </Badge>
            ))}
          </div>
          <div className="mt-3 grid gap-1 border-t pt-3">
            <Button
              role="menuitem"
              variant="ghost"
              size="sm"
              className="justify-start"
              disabled={pending}
              onClick={() => run(signOut)}
              data-testid="sign-out"
            >
              <LogOut className="size-4" aria-hidden /> Sign out
            </Button>
            <ConfirmDialog
              title="Sign out everywhere?"
              description="This ends every console session of yours, on every browser and device."
              confirmLabel="Sign out everywhere"
              onConfirm={() => run(signOutEverywhere)}
              trigger={
                <Button
                  role="menuitem"
                  variant="ghost"
                  size="sm"
                  className="justify-start"
                  disabled={pending}
                  data-testid="sign-out-everywhere"
                >
                  <MonitorX className="size-4" aria-hidden /> Sign out everywhere
                </Button>
              }
            />
          </div>
        </div>
      ) : null}
    </div>
  );
}
