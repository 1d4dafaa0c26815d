"use server";

import { getDb } from "@/lib/db/client";
import { decideTool } from "@/lib/servers/decide-tool";
import { deleteServer } from "@/lib/servers/delete-server";
import { registerServer } from "@/lib/servers/register-server";
import {
  deleteServerSchema,
  registerServerSchema,
  serverIdSchema,
  updateServerSchema,
} from "@/lib/servers/server-schemas";
import { syncTools } from "@/lib/servers/sync-tools";
import { toolDecisionSchema, updateToolSchema } from "@/lib/servers/tool-schemas";
import { updateServer } from "@/lib/servers/update-server";
import { updateTool } from "@/lib/servers/update-tool";
import { defineAction } from "@/app/_server/action";

// Each action only names its permission and schema and calls lib/servers; the
// domain function validates again and writes the audit event in its transaction.

export const registerServerAction = defineAction({
  name: "register-server",
  permission: "servers.manage",
  input: registerServerSchema,
  handler: (input, { principal }) => registerServer(getDb(), principal, input),
});

export const updateServerAction = defineAction({
  name: "update-server",
  permission: "servers.manage",
  input: updateServerSchema,
  handler: (input, { principal }) => updateServer(getDb(), principal, input),
});

export const deleteServerAction = defineAction({
  name: "delete-server",
  permission: "servers.manage",
  input: deleteServerSchema,
  handler: (input, { principal }) => deleteServer(getDb(), principal, input),
});

export const syncToolsAction = defineAction({
  name: "sync-tools",
  permission: "servers.manage",
  input: serverIdSchema,
  handler: (input, { principal }) => syncTools(getDb(), principal, input.id),
});

export const approveToolAction = defineAction({
  name: "approve-tool",
  permission: "tools.approve",
  input: toolDecisionSchema,
  // A person in the console confirms a destructive or administrative tool, with a reason (checked here, on the server).
  handler: (input, { principal }) => decideTool(getDb(), principal, "approve", input, { confirmHighRisk: true }),
});

export const rejectToolAction = defineAction({
  name: "reject-tool",
  permission: "tools.approve",
  input: toolDecisionSchema,
  handler: (input, { principal }) => decideTool(getDb(), principal, "reject", input),
});

export const updateToolAction = defineAction({
  name: "update-tool",
  permission: "tools.approve",
  input: updateToolSchema,
  handler: (input, { principal }) => updateTool(getDb(), principal, input),
});
