"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { revokeSessions, revokeSessionsSchema } from "@/lib/sessions/revoke-sessions";
import { defineAction } from "@/app/_server/action";

export const revokeSessionsAction = defineAction({
  name: "revoke-sessions",
  permission: "sessions.revoke",
  input: revokeSessionsSchema,
  handler: async (input, { principal }) => {
    const result = await revokeSessions(getDb(), principal, input);
    revalidatePath("/sessions");
    return result;
  },
});
