"use server";

import { AuthError } from "next-auth";
import { cookies } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { endAllConsoleSessions, endConsoleSession } from "@/lib/auth/console-sessions";
import { signIn, signOut as endAuthJsSession } from "@/app/_server/auth";
import { defineAction } from "@/app/_server/action";

export interface SignInState {
  error: string | null;
  email: string;
}

const SIGN_IN_MESSAGES: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  rate_limited: "Too many failed sign-ins for this account or from this address. Wait a few minutes and try again.",
  no_console_access: "Your account has no console role. Ask a Mandate admin to grant you one.",
};

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
const safeCallback = (v: FormDataEntryValue | null) =>
  typeof v === "string" && /^\/(?!\/)[^\s\\]*$/.test(v) ? v : "/";

/** Signing in to authorize an MCP client (app/(auth)/authorize) needs no console role; anything else does. */
const purposeOf = (callbackUrl: string) => (callbackUrl.startsWith("/authorize/") ? "authorize" : "console");
const SIGN_IN_PURPOSE_COOKIE = "mandate-signin-purpose";

/** Public by nature: it is how one signs in. */
export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  const redirectTo = safeCallback(form.get("callbackUrl"));
  try {
    await signIn("password", {
      email,
      password: String(form.get("password") ?? ""),
      purpose: purposeOf(redirectTo),
      redirectTo,
    });
    return { error: null, email };
  } catch (e) {
    unstable_rethrow(e);
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code ?? "";
      return { error: SIGN_IN_MESSAGES[code] ?? "Sign-in failed. Try again.", email };
    }
    throw e;
  }
}
signInWithPassword.meta = { name: "sign-in-with-password", permission: null };

export async function signInWithSso(form: FormData): Promise<void> {
  const redirectTo = safeCallback(form.get("callbackUrl"));
  // The IdP's callback cannot carry it: a short-lived cookie tells app/_server/auth.ts what this sign-in is for.
  (await cookies()).set(SIGN_IN_PURPOSE_COOKIE, purposeOf(redirectTo), {
    httpOnly: true,
    sameSite: "lax",
    path: "/api/auth",
    maxAge: 600,
  });
  await signIn("oidc", { redirectTo });
}
signInWithSso.meta = { name: "sign-in-with-sso", permission: null };

export const signOut = defineAction({
  name: "sign-out",
  permission: "overview.view",
  input: z.object({}).optional(),
  handler: async (_input, { principal }) => {
    if (principal.kind === "user")
      await endConsoleSession(getDb(), principal.consoleSessionId, "Signed out", principal.userId);
    await endAuthJsSession({ redirectTo: "/signin" });
  },
});

export const signOutEverywhere = defineAction({
  name: "sign-out-everywhere",
  permission: "overview.view",
  input: z.object({}).optional(),
  handler: async (_input, { principal }) => {
    if (principal.kind === "user") await endAllConsoleSessions(getDb(), principal.userId, principal.userId);
    await endAuthJsSession({ redirectTo: "/signin?signedOut=everywhere" });
  },
});
