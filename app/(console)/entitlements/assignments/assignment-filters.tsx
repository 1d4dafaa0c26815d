"use client";

import { useRouter } from "next/navigation";
import { Select } from "@/components/ui/select";
import { useSearchParamHref } from "@/components/ui/data-table/use-search-param-href";
import type { EntitlementOption } from "@/lib/entitlements/entitlement-options";

/** Filters live in the URL like the search text, so a filtered list can be linked; changing one drops the cursor. */
export function AssignmentFilters({
  principalType,
  entitlementId,
  expiring,
  entitlements,
}: {
  principalType: string;
  entitlementId: string;
  expiring: boolean;
  entitlements: EntitlementOption[];
}) {
  const router = useRouter();
  const hrefWith = useSearchParamHref();
  const go = (changes: Record<string, string | null>) =>
    router.replace(hrefWith({ ...changes, cursor: null, before: null }), { scroll: false });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div className="w-40">
        <Select
          aria-label="Principal type"
          value={principalType}
          onChange={(e) => go({ principalType: e.target.value || null })}
          data-testid="filter-principal-type"
        >
          <option value="">All principals</option>
          <option value="agent">Agents</option>
          <option value="user">People</option>
          <option value="group">Groups</option>
        </Select>
      </div>
      <div className="w-56">
        <Select
          aria-label="Entitlement"
          value={entitlementId}
          onChange={(e) => go({ entitlementId: e.target.value || null })}
        >
          <option value="">All entitlements</option>
          {entitlements.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </Select>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={expiring}
          onChange={(e) => go({ expiring: e.target.checked ? "soon" : null })}
          data-testid="filter-expiring"
        />
        Expiring soon
      </label>
    </div>
  );
}
