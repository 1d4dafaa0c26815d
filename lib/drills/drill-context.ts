import type { Db } from "@/lib/db/client";
import type { OAuthContext } from "@/lib/oauth/context";
import { createOAuthContext } from "@/lib/oauth/create-context";

// One per process and store: the console (Next, whose dev server re-evaluates modules) keeps it on globalThis.
const holder = globalThis as unknown as { __mandateDrillContexts?: WeakMap<Db, OAuthContext> };

/**
 * The token service context a drill mints its canary with, outside the
 * protocol server (the console, the CLI): the issuer from MANDATE_ISSUER and
 * the signing keys from the store, as every instance uses them.
 */
export function drillContext(db: Db): OAuthContext {
  const contexts = (holder.__mandateDrillContexts ??= new WeakMap());
  let ctx = contexts.get(db);
  if (!ctx) contexts.set(db, (ctx = createOAuthContext(db)));
  return ctx;
}
