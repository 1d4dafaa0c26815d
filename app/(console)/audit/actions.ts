"use server";

import { z } from "zod";
import { verifyAuditChain } from "@/lib/audit/verify";
import { getDb } from "@/lib/db/client";
import { defineAction } from "@/app/_server/action";

/** Recomputes every stream's hash chain; the console shows each stream's first broken link. */
export const verifyAuditChainAction = defineAction({
  name: "verify-audit-chain",
  permission: "audit.view",
  input: z.object({ stream: z.string().max(64).optional() }).strict(),
  handler: async (input) => {
    const report = await verifyAuditChain(getDb(), input.stream ? { stream: input.stream } : {});
    return { ...report, verifiedAt: new Date().toISOString() };
  },
});
