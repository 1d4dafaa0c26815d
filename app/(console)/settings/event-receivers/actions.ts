"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import {
  createReceiver,
  createReceiverSchema,
  deleteReceiver,
  receiverIdSchema,
} from "@/lib/security-events/receivers";
import { defineAction } from "@/app/_server/action";

export const createReceiverAction = defineAction({
  name: "create-event-receiver",
  permission: "settings.manage",
  input: createReceiverSchema,
  handler: async (input, { principal }) => {
    const created = await createReceiver(getDb(), principal, input);
    revalidatePath("/settings/event-receivers");
    return created;
  },
});

export const deleteReceiverAction = defineAction({
  name: "delete-event-receiver",
  permission: "settings.manage",
  input: receiverIdSchema,
  handler: async ({ receiverId }, { principal }) => {
    await deleteReceiver(getDb(), principal, receiverId);
    revalidatePath("/settings/event-receivers");
  },
});
