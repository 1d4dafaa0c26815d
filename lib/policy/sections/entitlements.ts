import { createEntitlementIn } from "@/lib/entitlements/create-entitlement";
import { deleteEntitlementIn } from "@/lib/entitlements/delete-entitlement";
import { updateEntitlementIn } from "@/lib/entitlements/update-entitlement";
import { ENTITLEMENT_FIELDS } from "../validate-entries";
import { diff, type SectionContext } from "./context";
import { serverIdOf, toolIdsOf } from "./lookups";

const ENTITLEMENT_DIFF = ["description", "tools", "maxSessionSeconds", "reauthIntervalSeconds"] as const;

/** The file's entitlements. An entitlement's server is fixed: moving one is an issue. */
export function planEntitlements({ entries, model, change, refuse, steps }: SectionContext): void {
  for (const e of entries.entitlements) {
    const current = model.entitlements.find((c) => c.name === e.name);
    const input = {
      name: e.name,
      description: e.description ?? undefined,
      maxSessionSeconds: e.maxSessionSeconds,
      reauthIntervalSeconds: e.reauthIntervalSeconds ?? undefined,
    };
    if (!current) {
      change("create", "entitlement", e.name, e.path);
      steps.push({
        path: e.path,
        fields: ENTITLEMENT_FIELDS,
        run: async ({ tx, principal, now }) => {
          const serverId = await serverIdOf(tx, e.server);
          await createEntitlementIn(
            tx,
            principal,
            { ...input, serverId, toolIds: await toolIdsOf(tx, serverId, e.tools) },
            now,
          );
        },
      });
      continue;
    }
    if (current.server !== e.server) {
      refuse(
        [...e.path, "server"],
        "An entitlement's server is fixed: moving it would silently change what its holders reach. Create a new entitlement instead",
      );
      continue;
    }
    const fields = diff(current, e, ENTITLEMENT_DIFF);
    if (fields.length === 0) continue;
    change("update", "entitlement", e.name, e.path, fields);
    steps.push({
      path: e.path,
      fields: ENTITLEMENT_FIELDS,
      run: async ({ tx, principal, now }) => {
        const serverId = await serverIdOf(tx, e.server);
        await updateEntitlementIn(
          tx,
          principal,
          { ...input, entitlementId: current.id, toolIds: await toolIdsOf(tx, serverId, e.tools) },
          now,
        );
      },
    });
  }
}

/** Entitlements the file does not list: kept, or deleted under prune. */
export function pruneEntitlements({ entries, model, prune, change, steps, kept }: SectionContext): void {
  for (const e of model.entitlements) {
    if (entries.entitlements.some((f) => f.name === e.name)) continue;
    if (!prune) {
      kept.push({ kind: "entitlement", label: e.name });
      continue;
    }
    change("remove", "entitlement", e.name, null, [], "deleted");
    steps.push({
      path: [],
      fields: {},
      run: async ({ tx, principal, now }) => deleteEntitlementIn(tx, principal, e.id, now),
    });
  }
}
