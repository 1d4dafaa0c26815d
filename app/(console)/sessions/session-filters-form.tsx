import { Button } from "@/components/ui/button";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import { Select } from "@/components/ui/select";
import type { SessionFilters } from "@/lib/sessions/session-filters";

type Option = { id: string; label: string };

/** The filters as a plain GET form: the URL is the state, so a filtered view can be shared and refreshed. */
export function SessionFiltersForm({
  filters,
  q,
  agents,
  users,
  servers,
}: {
  filters: SessionFilters;
  q?: string;
  agents: ComboboxOption[];
  users: ComboboxOption[];
  servers: Option[];
}) {
  const select = (name: string, label: string, value: string | undefined, options: Option[], any = "Any") => (
    <label className="grid gap-1 text-xs font-medium text-muted-foreground">
      {label}
      <Select name={name} defaultValue={value ?? ""} aria-label={label} className="h-8 min-w-32 text-sm">
        {any ? <option value="">{any}</option> : null}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </Select>
    </label>
  );
  // Agents and people run to hundreds: searchable pickers whose hidden inputs submit like the selects did.
  const picker = (name: string, label: string, value: string | undefined, options: ComboboxOption[], noun: string) => (
    <div className="grid gap-1 text-xs font-medium text-muted-foreground">
      <label htmlFor={`session-filter-${name}`}>{label}</label>
      <Combobox
        id={`session-filter-${name}`}
        name={name}
        defaultValue={value ?? ""}
        options={options}
        noneLabel="Any"
        searchPlaceholder={`Search ${noun}…`}
        className="h-8 w-48 text-sm font-normal text-foreground"
      />
    </div>
  );
  return (
    <form method="get" action="/sessions" className="flex flex-wrap items-end gap-3" data-testid="session-filters">
      {q ? <input type="hidden" name="q" value={q} /> : null}
      {select(
        "status",
        "Status",
        filters.status,
        [
          { id: "active", label: "Live" },
          { id: "revoked", label: "Revoked" },
          { id: "expired", label: "Expired" },
          { id: "all", label: "All" },
        ],
        "",
      )}
      {picker("agentId", "Agent", filters.agentId, agents, "agents")}
      {picker("userId", "On behalf of", filters.userId, users, "people by name or email")}
      {select("serverId", "Server", filters.serverId, servers)}
      {select("risk", "Risk", filters.risk, [
        { id: "read", label: "Read" },
        { id: "write", label: "Write" },
        { id: "destructive", label: "Destructive" },
      ])}
      {select("age", "Started", filters.age, [
        { id: "1h", label: "Last hour" },
        { id: "24h", label: "Last 24 hours" },
        { id: "7d", label: "Last 7 days" },
        { id: "older", label: "Over 7 days ago" },
      ])}
      {select(
        "sort",
        "Sort",
        filters.sort,
        [
          { id: "started", label: "Newest first" },
          { id: "expires", label: "Expiring soonest" },
        ],
        "",
      )}
      <Button type="submit" size="sm" variant="outline">
        Apply filters
      </Button>
    </form>
  );
}
