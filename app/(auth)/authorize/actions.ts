"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { endConsoleSession } from "@/lib/auth/console-sessions";
import { AuthorizationUnavailable, issueAuthorizationCode, refuseAuthorization } from "@/lib/interactive/consent";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import type { ActionResult } from "@/app/_server/action-result";
import { signOut as endAuthJsSession } from "@/app/_server/auth";
import { getSignedInPerson } from "@/app/_server/signed-in-person";

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, "Not an authorization request");

/**
 * The consent screen's two answers. Callable by any signed-in person — no
 * console role is needed to authorize one's own MCP client — and only for a
 * request bound to that person (lib/interactive/consent.ts checks). The
 * browser is then sent to the client's redirect URI by the page itself:
 * a form post may not redirect off-site under the console's CSP
 * (form-action 'self').
 */
async function answer(
  raw: unknown,
  run: (
    id: string,
    person: NonNullable<Awaited<ReturnType<typeof getSignedInPerson>>>,
  ) => Promise<{ redirectTo: string }>,
): Promise<ActionResult<{ redirectTo: string }>> {
  const person = await getSignedInPerson();
  if (!person)
    return { ok: false, error: { code: "unauthenticated", message: "Your sign-in has ended. Sign in again." } };
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { code: "invalid_input", message: "Not an authorization request" } };
  try {
    return { ok: true, data: await run(parsed.data, person) };
  } catch (e) {
    if (e instanceof AuthorizationUnavailable) return { ok: false, error: { code: "conflict", message: e.message } };
    console.error("mandate: authorization answer failed", e);
    return { ok: false, error: { code: "internal", message: "Something went wrong; nothing was authorized." } };
  }
}

export async function continueAuthorization(id: unknown): Promise<ActionResult<{ redirectTo: string }>> {
  return answer(id, (rid, person) =>
    issueAuthorizationCode(
      getDb(),
      rid,
      { userId: person.userId, email: person.email, signedInAt: person.signedInAt },
      issuerFromEnv(),
    ),
  );
}
continueAuthorization.meta = { name: "continue-authorization", permission: null };

export async function declineAuthorization(id: unknown): Promise<ActionResult<{ redirectTo: string }>> {
  return answer(id, (rid, person) =>
    refuseAuthorization(
      getDb(),
      rid,
      { userId: person.userId, email: person.email, signedInAt: person.signedInAt },
      issuerFromEnv(),
      {
        error: "access_denied",
        description: "the person declined",
      },
    ),
  );
}
declineAuthorization.meta = { name: "decline-authorization", permission: null };

/** Re-authentication is due: this sign-in ends and the person signs in again, then comes back here. */
export async function signInAgainForAuthorization(form: FormData): Promise<void> {
  const parsed = idSchema.safeParse(form.get("id"));
  const person = await getSignedInPerson();
  if (person)
    await endConsoleSession(
      getDb(),
      person.consoleSessionId,
      "Signed in again (re-authentication for an MCP client)",
      person.userId,
    );
  await endAuthJsSession({
    redirectTo: parsed.success ? `/signin?callbackUrl=${encodeURIComponent(`/authorize/${parsed.data}`)}` : "/signin",
  });
}
signInAgainForAuthorization.meta = { name: "sign-in-again-for-authorization", permission: null };
