import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who asked, from where: the request id and client address of the console
 * request (server action or JSON API call) being served. Set once at the edge
 * (app/_server/action.ts, app/_server/api-route.ts) so that every audit event
 * the domain writes while serving it carries them, without threading two
 * more parameters through every domain function. The protocol layer passes
 * them explicitly (lib/oauth/context.ts), which wins over this.
 */
export interface AuditRequestContext {
  requestId: string | null;
  clientAddress: string | null;
}

const storage = new AsyncLocalStorage<AuditRequestContext>();

export function withAuditRequestContext<T>(context: AuditRequestContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentAuditRequestContext(): AuditRequestContext | undefined {
  return storage.getStore();
}
