"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { CONSOLE_ROLES } from "@/lib/auth/permissions";
import { endAllConsoleSessions } from "@/lib/auth/console-sessions";
import { grantConsoleRole, removeConsoleRole } from "@/lib/people/console-roles";
import { DomainError } from "@/lib/errors/domain-error";
import { defineAction } from "@/app/_server/action";

const PATH = "/settings/people";

const personRole = z.object({
  userId: z.string().min(1, "Choose a person").max(64),
  role: z.enum(CONSOLE_ROLES, "Choose a role"),
});

export const grantRole = defineAction({
  name: "grant-console-role",
  permission: "roles.manage",
  input: personRole,
  handler: async ({ userId, role }, { principal }) => {
    await grantConsoleRole(getDb(), principal, userId, role);
    revalidatePath(PATH);
  },
});

export const removeRole = defineAction({
  name: "remove-console-role",
  permission: "roles.manage",
  input: personRole,
  handler: async ({ userId, role }, { principal }) => {
    await removeConsoleRole(getDb(), principal, userId, role);
    revalidatePath(PATH);
  },
});

/** An admin ends every console session of someone else (a lost laptop, a compromised account). */
export const signOutPersonEverywhere = defineAction({
  name: "sign-out-person-everywhere",
  permission: "roles.manage",
  input: z.object({ userId: z.string().min(1).max(64) }),
  handler: async ({ userId }, { principal }) => {
    if (principal.kind !== "user") throw new DomainError("forbidden", "Only a signed-in person can do this");
    const ended = await endAllConsoleSessions(getDb(), userId, principal.userId, "Signed out everywhere by an admin");
    revalidatePath(PATH);
    return { ended };
  },
});
