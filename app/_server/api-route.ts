import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { withAuditRequestContext } from "@/lib/audit/request-context";
import { getDb } from "@/lib/db/client";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { can, type Principal } from "@/lib/auth/principal";
import type { Permission } from "@/lib/auth/permissions";
import { isDomainError, type DomainErrorCode } from "@/lib/errors/domain-error";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@/lib/db/store-unavailable";
import { clientAddressOf } from "./client-address";
import { readLimitedText } from "./read-limited-body";
import { getPrincipal } from "./principal";

/** The console JSON API's one error table. */
const STATUS: Record<
  DomainErrorCode | "unauthenticated" | "invalid_input" | "too_large" | "internal" | "unavailable",
  number
> = {
  unauthenticated: 401,
  forbidden: 403,
  separation_of_duties: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  invalid: 422,
  invalid_input: 422,
  internal: 500,
  unavailable: 503,
};

function apiError(
  code: keyof typeof STATUS,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return NextResponse.json(
    { error: { code, message, ...extra } },
    { status: STATUS[code], headers: { "cache-control": "no-store", ...headers } },
  );
}

export interface ApiRouteMeta {
  permission: Permission;
}

export type ApiHandler = ((req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) & {
  meta: ApiRouteMeta;
};

/**
 * Every JSON API route is built here: authenticate (admin API key as a
 * bearer token, or the console session) → permission → validate → domain →
 * one error mapping. The role × action test discovers routes through `meta`.
 */
const MAX_BODY_BYTES = 64 * 1024;

export function defineApiRoute<Q extends z.ZodType, B extends z.ZodType>(spec: {
  permission: Permission;
  query?: Q;
  body?: B;
  handler: (
    input: { query: z.output<Q>; body: z.output<B>; req: NextRequest; params: Record<string, string> },
    principal: Principal,
  ) => Promise<unknown>;
}): ApiHandler {
  const handle = async (req: NextRequest, ctx: { params: Promise<Record<string, string>> }): Promise<Response> => {
    // Every failure answers JSON, authentication's included (a database outage there used to leave Next's empty 500).
    try {
      return await answer(req, ctx);
    } catch (e) {
      if (isDomainError(e)) return apiError(e.code, e.message);
      if (isStoreUnavailable(e)) {
        console.error(
          `mandate: ${req.method} ${req.nextUrl.pathname}: database unavailable (${e instanceof Error ? e.message : String(e)})`,
        );
        return apiError(
          "unavailable",
          "The service cannot reach its database; retry shortly",
          {},
          { "retry-after": String(STORE_RETRY_AFTER_SECONDS) },
        );
      }
      console.error(`mandate: ${req.method} ${req.nextUrl.pathname} failed`, e);
      return apiError("internal", "Internal error");
    }
  };
  const answer = async (req: NextRequest, ctx: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const authorization = req.headers.get("authorization");
    let principal: Principal | null;
    if (authorization) {
      const [scheme, token] = authorization.split(" ", 2);
      principal = scheme?.toLowerCase() === "bearer" && token ? await authenticateApiKey(getDb(), token) : null;
      if (!principal)
        return apiError(
          "unauthenticated",
          "Invalid, expired or revoked API key",
          {},
          { "www-authenticate": 'Bearer error="invalid_token"' },
        );
    } else {
      principal = await getPrincipal();
      if (!principal)
        return apiError(
          "unauthenticated",
          "Sign in, or send an admin API key as a bearer token",
          {},
          { "www-authenticate": "Bearer" },
        );
    }
    if (!can(principal, spec.permission)) return apiError("forbidden", `This needs the ${spec.permission} permission`);
    const parsed = (spec.query ?? z.object({})).safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!parsed.success)
      return apiError("invalid_input", "Invalid query parameters", {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    let body: unknown = undefined;
    if (spec.body) {
      if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/json"))
        return apiError("invalid_input", "Send a JSON body (content-type: application/json)");
      const text = await readLimitedText(req, MAX_BODY_BYTES);
      if (text === null)
        return apiError("too_large", `The body exceeds ${MAX_BODY_BYTES} bytes`, {}, { connection: "close" });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return apiError("invalid_input", "Malformed JSON body");
      }
      const b = spec.body.safeParse(json);
      if (!b.success)
        return apiError("invalid_input", "Invalid body", {
          issues: b.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        });
      body = b.data;
    }
    const request = {
      requestId: req.headers.get("x-request-id")?.slice(0, 128) ?? null,
      clientAddress: clientAddressOf(req.headers),
    };
    const input = { query: parsed.data as z.output<Q>, body: body as z.output<B>, req, params: await ctx.params };
    const result = await withAuditRequestContext(request, () => spec.handler(input, principal));
    // A handler may answer with its own Response (a streamed export); anything else is JSON.
    if (result instanceof Response) return result;
    return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
  };
  return Object.assign(handle, { meta: { permission: spec.permission } });
}
