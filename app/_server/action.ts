import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { withAuditRequestContext, type AuditRequestContext } from "@/lib/audit/request-context";
import { z } from "zod";
import { can, type Principal } from "@/lib/auth/principal";
import type { Permission } from "@/lib/auth/permissions";
import { isDomainError } from "@/lib/errors/domain-error";
import type { ActionResult } from "./action-result";
import { clientAddressOf } from "./client-address";
import { getPrincipal } from "./principal";

export interface ActionMeta {
  name: string;
  /** null: callable without signing in (sign-in itself). */
  permission: Permission | null;
}

export type ConsoleAction<I, O> = ((input: I) => Promise<ActionResult<O>>) & { meta: ActionMeta };

export interface ActionContext {
  principal: Principal;
}

/** The request id and client address the action's audit events carry (none outside a request, as in tests). */
async function auditRequestContext(): Promise<AuditRequestContext> {
  try {
    const h = await headers();
    return { requestId: h.get("x-request-id")?.slice(0, 128) ?? null, clientAddress: clientAddressOf(h) };
  } catch {
    return { requestId: null, clientAddress: null };
  }
}

/**
 * Every console mutation is built here, in one order: authenticate → check
 * the permission → validate the input (zod) → call the domain. A role that
 * may not act learns nothing about the input; bad input changes nothing.
 * The role × action test discovers actions through `meta`.
 */
export function defineAction<S extends z.ZodType, O>(spec: {
  name: string;
  permission: Permission;
  input: S;
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<O>;
}): ConsoleAction<z.input<S>, O> {
  const action = async (raw: z.input<S>): Promise<ActionResult<O>> => {
    const principal = await getPrincipal();
    if (!principal)
      return { ok: false, error: { code: "unauthenticated", message: "Your session has ended. Sign in again." } };
    if (!can(principal, spec.permission)) {
      return { ok: false, error: { code: "forbidden", message: "Your role does not allow this." } };
    }
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "_form";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, error: { code: "invalid_input", message: "Some fields need attention.", fieldErrors } };
    }
    try {
      const request = await auditRequestContext();
      return { ok: true, data: await withAuditRequestContext(request, () => spec.handler(parsed.data, { principal })) };
    } catch (e) {
      // redirect() and notFound() are control flow, not failures.
      unstable_rethrow(e);
      if (isDomainError(e)) {
        const code = e.code === "invalid" ? "invalid_input" : e.code;
        return {
          ok: false,
          error: { code, message: e.message, ...(e.field ? { fieldErrors: { [e.field]: [e.message] } } : {}) },
        };
      }
      console.error(`mandate: action ${spec.name} failed`, e);
      return { ok: false, error: { code: "internal", message: "Something went wrong; nothing was changed." } };
    }
  };
  return Object.assign(action, { meta: { name: spec.name, permission: spec.permission } });
}
