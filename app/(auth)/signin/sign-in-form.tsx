"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { signInWithPassword, type SignInState } from "../actions";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithPassword, {
    error: null,
    email: "",
  });
  return (
    <form action={action} className="mt-6 grid gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormField label="Email">
        <Input name="email" type="email" autoComplete="username" defaultValue={state.email} required autoFocus />
      </FormField>
      <FormField label="Password" error={state.error ?? undefined}>
        <Input name="password" type="password" autoComplete="current-password" required />
      </FormField>
      <Button type="submit" disabled={pending} data-testid="password-sign-in">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
