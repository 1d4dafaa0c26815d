import { getDb } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { listWorkloadIdentities, removeWorkloadIdentity } from "@/lib/federation/workload-identities";
import { defineApiRoute } from "@/app/_server/api-route";

export const DELETE = defineApiRoute({
  permission: "settings.manage",
  handler: async ({ params }, principal) => {
    const db = getDb();
    // Only a rule of the issuer the path names.
    const rules = await listWorkloadIdentities(db, { idpId: params.id ?? "" });
    if (!rules.some((r) => r.id === params.ruleId)) throw new DomainError("not_found", "No such workload identity");
    await removeWorkloadIdentity(db, principal, params.ruleId ?? "");
    return { data: { id: params.ruleId } };
  },
});
