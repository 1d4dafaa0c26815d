"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { consoleDirectoryActor } from "@/lib/directory/directory-actor";
import { reassignAgentOwner, reassignAgentOwnerSchema } from "@/lib/directory/reassign-agent-owner";
import { deactivatePerson, reactivatePerson } from "@/lib/directory/set-person-active";
import { personOf } from "@/lib/auth/principal";
import { defineAction } from "@/app/_server/action";

/** Gives an agent whose owner left a new owner: it leaves the offboarding queue. */
export const reassignOwnerAction = defineAction({
  name: "reassign-agent-owner",
  permission: "directory.manage",
  input: reassignAgentOwnerSchema,
  handler: async (input, { principal }) => {
    await reassignAgentOwner(getDb(), principal, input);
    revalidatePath("/directory");
  },
});

const personChange = z.object({
  userId: z.string().min(1).max(64),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});

/** Deactivates a person where no SCIM client manages the directory: the offboarding cascade runs at once. */
export const deactivatePersonAction = defineAction({
  name: "deactivate-person",
  permission: "directory.manage",
  input: personChange,
  handler: async ({ userId, reason }, { principal }) => {
    const result = await deactivatePerson(
      getDb(),
      { ...consoleDirectoryActor(principal), personId: personOf(principal) },
      userId,
      reason,
    );
    revalidatePath("/directory", "layout");
    return {
      revokedSessions: result?.revokedSessionIds.length ?? 0,
      ownerlessAgents: result?.ownerlessAgentIds.length ?? 0,
    };
  },
});

export const reactivatePersonAction = defineAction({
  name: "reactivate-person",
  permission: "directory.manage",
  input: z.object({ userId: z.string().min(1).max(64) }),
  handler: async ({ userId }, { principal }) => {
    await reactivatePerson(getDb(), consoleDirectoryActor(principal), userId);
    revalidatePath("/directory", "layout");
  },
});
