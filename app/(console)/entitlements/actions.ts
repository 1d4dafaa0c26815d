"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { createEntitlement } from "@/lib/entitlements/create-entitlement";
import { deleteEntitlement } from "@/lib/entitlements/delete-entitlement";
import {
  createEntitlementSchema,
  entitlementIdSchema,
  updateEntitlementSchema,
} from "@/lib/entitlements/entitlement-schemas";
import { updateEntitlement } from "@/lib/entitlements/update-entitlement";
import { defineAction } from "@/app/_server/action";

export const createEntitlementAction = defineAction({
  name: "create-entitlement",
  permission: "entitlements.manage",
  input: createEntitlementSchema,
  handler: async (input, { principal }) => {
    const created = await createEntitlement(getDb(), principal, input);
    revalidatePath("/entitlements");
    return created;
  },
});

export const updateEntitlementAction = defineAction({
  name: "update-entitlement",
  permission: "entitlements.manage",
  input: updateEntitlementSchema,
  handler: async (input, { principal }) => {
    await updateEntitlement(getDb(), principal, input);
    revalidatePath(`/entitlements/${input.entitlementId}`);
  },
});

export const deleteEntitlementAction = defineAction({
  name: "delete-entitlement",
  permission: "entitlements.manage",
  input: entitlementIdSchema,
  handler: async ({ entitlementId }, { principal }) => {
    await deleteEntitlement(getDb(), principal, entitlementId);
    revalidatePath("/entitlements");
  },
});
