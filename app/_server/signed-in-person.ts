import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { signedInPerson, type SignedInPerson } from "@/lib/auth/signed-in-person";
import { auth } from "./auth";

/**
 * The person signed in on this browser, with or without a console role: the
 * authorization pages (app/(auth)/authorize) serve everyone the directory
 * knows; console pages use getPrincipal, which requires a role.
 */
export const getSignedInPerson = cache(async (): Promise<SignedInPerson | null> => {
  const session = await auth();
  const sid = (session as { sid?: string } | null)?.sid;
  return sid ? signedInPerson(getDb(), sid) : null;
});
