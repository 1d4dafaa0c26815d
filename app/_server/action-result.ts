export type ActionErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "invalid_input"
  | "conflict"
  | "not_found"
  | "separation_of_duties"
  | "internal";

export interface ActionError {
  code: ActionErrorCode;
  message: string;
  /** Per-field messages, for inline errors next to the inputs. */
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };
