"use client";

import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useState, useTransition } from "react";
import type { ActionError, ActionResult } from "@/app/_server/action-result";
import { toast } from "@/components/ui/toast";

export interface ConsoleActionOptions<I, O> {
  /** The toast after success; a function reads the result. None when omitted. */
  success?: string | ((data: O, input: I) => string);
  /** react-query caches the change makes stale. */
  invalidate?: readonly QueryKey[];
  /** Re-render the page's server components after success (default: yes). */
  refresh?: boolean;
  /** Toast the error message when it names no field (default: no; forms show it inline). */
  toastErrors?: boolean;
  onSuccess?: (data: O, input: I) => void | Promise<void>;
}

export interface ConsoleAction<I, O> {
  /** Runs the server action; never throws. */
  run: (input: I) => Promise<ActionResult<O>>;
  /**
   * Runs it and returns the data, or throws the error message: for
   * ConfirmDialog, which stays open when its confirm handler throws.
   */
  runOrThrow: (input: I) => Promise<O>;
  pending: boolean;
  /** The last failure, cleared by the next run and by reset(). */
  error: ActionError | null;
  /** The first message per field, for FormField's inline `error`. */
  fieldErrors: Record<string, string>;
  reset: () => void;
}

/** The first message per field of an action's error. */
export function firstFieldErrors(error: ActionError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error?.fieldErrors ?? {})) if (messages[0]) out[field] = messages[0];
  return out;
}

/** What a dialog shows for a failure: the named field's message, else the action's. */
export function errorMessageOf(error: ActionError, field?: string): string {
  return (field ? error.fieldErrors?.[field]?.[0] : undefined) ?? error.message;
}

/**
 * Every console mutation's client side in one place (dub's useAction is the
 * model): pending state, the success toast, field errors, and bringing the
 * page up to date (react-query caches and the server components).
 */
export function useConsoleAction<I, O>(
  action: (input: I) => Promise<ActionResult<O>>,
  options: ConsoleActionOptions<I, O> = {},
): ConsoleAction<I, O> {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  const { success, invalidate, refresh = true, toastErrors = false, onSuccess } = options;

  const run = useCallback(
    (input: I) =>
      new Promise<ActionResult<O>>((resolve) => {
        startTransition(async () => {
          let result: ActionResult<O>;
          try {
            result = await action(input);
          } catch {
            // A network failure or a server that went away: the action did not answer.
            result = {
              ok: false,
              error: { code: "internal", message: "Mandate could not be reached; nothing was changed." },
            };
          }
          if (!result.ok) {
            setError(result.error);
            if (toastErrors && !result.error.fieldErrors) toast.error(result.error.message);
            resolve(result);
            return;
          }
          setError(null);
          if (success) toast.success(typeof success === "function" ? success(result.data, input) : success);
          await onSuccess?.(result.data, input);
          for (const queryKey of invalidate ?? []) await queryClient.invalidateQueries({ queryKey });
          if (refresh) router.refresh();
          resolve(result);
        });
      }),
    [action, success, invalidate, refresh, toastErrors, onSuccess, queryClient, router],
  );

  const runOrThrow = useCallback(
    async (input: I) => {
      const result = await run(input);
      if (!result.ok) {
        const toasted = toastErrors && !result.error.fieldErrors;
        if (!toasted) toast.error(result.error.message);
        throw new Error(result.error.message);
      }
      return result.data;
    },
    [run, toastErrors],
  );

  return { run, runOrThrow, pending, error, fieldErrors: firstFieldErrors(error), reset: () => setError(null) };
}
