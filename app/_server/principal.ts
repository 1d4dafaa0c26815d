import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { resolveConsoleSession } from "@/lib/auth/console-sessions";
import { can, type Principal } from "@/lib/auth/principal";
import type { Permission } from "@/lib/auth/permissions";
import { auth } from "./auth";

/**
 * The signed-in person for this request, or null. The console session row is
 * checked on every request (once per render thanks to React's cache).
 */
export const getPrincipal = cache(async (): Promise<Extract<Principal, { kind: "user" }> | null> => {
  const session = await auth();
  const sid = (session as { sid?: string } | null)?.sid;
  if (!sid) return null;
  const check = await resolveConsoleSession(getDb(), sid);
  return check.ok ? check.principal : null;
});

/** For page loaders: signed in, or off to the sign-in page. */
export async function requirePrincipal(): Promise<Extract<Principal, { kind: "user" }>> {
  const principal = await getPrincipal();
  if (!principal) {
    const path = (await headers()).get("x-mandate-path");
    redirect(path && path !== "/" ? `/signin?callbackUrl=${encodeURIComponent(path)}` : "/signin");
  }
  return principal;
}

/** For page loaders: signed in and allowed, or a 403 page. */
export async function requirePermission(permission: Permission): Promise<Extract<Principal, { kind: "user" }>> {
  const principal = await requirePrincipal();
  if (!can(principal, permission)) forbidden();
  return principal;
}
