"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { createAssignmentSchema, endAssignmentSchema, PRINCIPAL_TYPES } from "@/lib/assignments/assignment-schemas";
import { createAssignment } from "@/lib/assignments/create-assignment";
import { endAssignment } from "@/lib/assignments/end-assignment";
import {
  resolveSeparationConflict,
  resolveSeparationConflictSchema,
} from "@/lib/assignments/resolve-separation-conflict";
import { searchPrincipals } from "@/lib/assignments/search-principals";
import { defineAction } from "@/app/_server/action";

// Assignments show on the agent, entitlement and assignment pages alike.
function revalidateAssignmentPages() {
  revalidatePath("/entitlements", "layout");
  revalidatePath("/agents", "layout");
}

export const createAssignmentAction = defineAction({
  name: "create-assignment",
  permission: "assignments.manage",
  input: createAssignmentSchema,
  handler: async (input, { principal }) => {
    const created = await createAssignment(getDb(), principal, input);
    revalidateAssignmentPages();
    return created;
  },
});

export const endAssignmentAction = defineAction({
  name: "end-assignment",
  permission: "assignments.manage",
  input: endAssignmentSchema,
  handler: async (input, { principal }) => {
    await endAssignment(getDb(), principal, input);
    revalidateAssignmentPages();
  },
});

/** A grant ended for separation of duties: grant it again (the acting admin becomes its grantor) or dismiss the flag. */
export const resolveSeparationConflictAction = defineAction({
  name: "resolve-separation-conflict",
  permission: "assignments.manage",
  input: resolveSeparationConflictSchema,
  handler: async (input, { principal }) => {
    const result = await resolveSeparationConflict(getDb(), principal, input);
    revalidateAssignmentPages();
    return result;
  },
});

/** The Assign dialog's principal picker; only those who may assign ever see it. */
export const searchPrincipalsAction = defineAction({
  name: "search-principals",
  permission: "assignments.manage",
  input: z.object({ type: z.enum(PRINCIPAL_TYPES), q: z.string().max(200) }),
  handler: async ({ type, q }) => searchPrincipals(getDb(), type, q),
});
