import { FilterX, SlidersHorizontal } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { AUDIT_ACTIONS } from "@/lib/audit/actions";
import type { AuditFilterSubject } from "@/lib/audit/filter-subjects";
import { auditFilterParams, isFiltered, type AuditFilter } from "@/lib/audit/filters";

const SUBJECT_LABELS: Record<AuditFilterSubject["kind"], string> = {
  agent: "Agent",
  person: "Person",
  server: "MCP server",
};

/** The filter without one subject: where that subject's "remove" link leads. */
function withoutSubject(filter: AuditFilter, kind: AuditFilterSubject["kind"]): string {
  const rest = { ...filter };
  delete rest[kind];
  const query = auditFilterParams(rest).toString();
  return query ? `/audit?${query}` : "/audit";
}

const AREAS = [...new Set(AUDIT_ACTIONS.map((a) => a.slice(0, a.indexOf("."))))];

/** "2026-11-27T10:00" for a datetime-local field: the console shows UTC. */
function localValue(d: Date | undefined): string {
  return d ? d.toISOString().slice(0, 16) : "";
}

/**
 * The timeline's filters as a plain GET form: the filter lives in the URL, so
 * a filtered view can be bookmarked, shared, paged and exported as it is.
 */
export function AuditFilterBar({ filter, subjects = [] }: { filter: AuditFilter; subjects?: AuditFilterSubject[] }) {
  const action = filter.actions?.join(",") ?? "";
  return (
    <form
      method="get"
      action="/audit"
      aria-label="Filter audit events"
      data-testid="audit-filters"
      className="grid gap-3 rounded-xl border bg-card p-4 shadow-xs"
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="grid gap-1.5">
          <Label htmlFor="audit-from">From (UTC)</Label>
          <Input id="audit-from" name="from" type="datetime-local" defaultValue={localValue(filter.from)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-to">To (UTC)</Label>
          <Input id="audit-to" name="to" type="datetime-local" defaultValue={localValue(filter.to)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-action">Action</Label>
          <Select id="audit-action" name="action" defaultValue={action}>
            <option value="">Any action</option>
            {AREAS.map((area) => (
              <optgroup key={area} label={area}>
                <option value={`${area}.*`}>{`${area}.* (all)`}</option>
                {AUDIT_ACTIONS.filter((a) => a.startsWith(`${area}.`)).map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </optgroup>
            ))}
            {action && !AUDIT_ACTIONS.includes(action as never) && !action.endsWith(".*") ? (
              <option value={action}>{action}</option>
            ) : null}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-decision">Decision</Label>
          <Select id="audit-decision" name="decision" defaultValue={filter.decision ?? ""}>
            <option value="">Any decision</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
            <option value="info">info</option>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-actor">Actor (id or name)</Label>
          <Input id="audit-actor" name="actor" defaultValue={filter.actor ?? ""} placeholder="admin@acme.example" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-target">Target (id or name)</Label>
          <Input id="audit-target" name="target" defaultValue={filter.target ?? ""} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-session">Session id</Label>
          <Input id="audit-session" name="session" defaultValue={filter.session ?? ""} className="font-mono" />
        </div>
      </div>
      {subjects.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label="Events about" data-testid="audit-subject-filters">
          {subjects.map((s) => (
            <li key={s.kind} className="flex items-center gap-2 rounded-md border bg-muted px-2 py-1 text-sm">
              <input type="hidden" name={s.kind} value={s.id} />
              <span>
                {SUBJECT_LABELS[s.kind]}: <span className="font-medium">{s.name}</span>
              </span>
              <Link
                href={withoutSubject(filter, s.kind)}
                className="text-muted-foreground hover:underline"
                aria-label={`Remove the ${SUBJECT_LABELS[s.kind].toLowerCase()} filter`}
              >
                <FilterX aria-hidden className="size-4" />
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {/* The text search lives in the table's search box; applying filters keeps it. */}
      {filter.q ? <input type="hidden" name="q" value={filter.q} /> : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" data-testid="audit-filter-apply">
          <SlidersHorizontal aria-hidden />
          Apply filters
        </Button>
        {isFiltered(filter) ? (
          <Button variant="ghost" size="sm" asChild>
            <Link href="/audit" data-testid="audit-filter-clear">
              <FilterX aria-hidden />
              Clear
            </Link>
          </Button>
        ) : null}
      </div>
    </form>
  );
}
