import { Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { SearchParamsRecord } from "@/lib/pagination/keyset";

/** Page position is not a filter: the export holds every page. */
const NOT_FILTERS = new Set(["cursor", "before", "limit"]);

/** The export URL for a list: its route with the page's filters and search. */
export function exportHref(route: string, params: SearchParamsRecord): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first && !NOT_FILTERS.has(key)) query.set(key, first);
  }
  const text = query.toString();
  return text ? `${route}?${text}` : route;
}

/** Downloads a list as CSV, with the filters and search it is shown with (the route checks the permission again). */
export function ExportCsvLink({ href, label = "Export CSV" }: { href: string; label?: string }) {
  return (
    <Button variant="outline" size="sm" asChild>
      <a href={href} download data-testid="export-csv">
        <Download aria-hidden /> {label}
      </a>
    </Button>
  );
}
