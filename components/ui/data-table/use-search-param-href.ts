"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback } from "react";

/** Builds a link to the current page with some search params changed (null removes one) and the rest kept. */
export function useSearchParamHref(): (changes: Record<string, string | null>) => string {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  return useCallback(
    (changes) => {
      const next = new URLSearchParams(searchParams.toString());
      for (const [name, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [pathname, searchParams],
  );
}
