import type { ActionError } from "@/app/_server/action-result";

/** The first message per field, for FormField's inline `error`. */
export function firstErrors(error: ActionError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error?.fieldErrors ?? {})) if (messages[0]) out[field] = messages[0];
  return out;
}
