import { z } from "zod";

/**
 * What an investigator narrows the trail by. The same filter drives the
 * timeline, the charts, the export and the JSON API, so an export of a
 * filtered range holds exactly the events the view showed.
 */
export interface AuditFilter {
  /** Inclusive lower bound on occurredAt. */
  from?: Date;
  /** Exclusive upper bound on occurredAt. */
  to?: Date;
  /** An actor's id or label (exact). */
  actor?: string;
  /** A target's id or label (exact). */
  target?: string;
  /** Exact action names ("token.minted"), or a whole area ("token.*"). */
  actions?: string[];
  decision?: "allow" | "deny" | "info";
  session?: string;
  /** Everything about one agent, person or MCP server, by its id: as actor, as target, or as the event's subject. */
  agent?: string;
  person?: string;
  server?: string;
  /** Free text: part of the action, an actor's or target's label or the reason; or an id, request id or client address. */
  q?: string;
}

function firstValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

const text = (max: number) =>
  z.preprocess(
    firstValue,
    z
      .string()
      .optional()
      .transform((v) => v?.trim().slice(0, max) || undefined)
      .catch(undefined),
  );

/** "2026-11-27T10:00" from a datetime-local field (UTC, as the console shows), or any ISO instant. */
const instant = z.preprocess(
  firstValue,
  z
    .string()
    .optional()
    .transform((v) => {
      const s = v?.trim();
      if (!s) return undefined;
      const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`;
      const d = new Date(/^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T00:00:00Z` : withZone);
      return Number.isNaN(d.getTime()) ? undefined : d;
    })
    .catch(undefined),
);

const ACTION_PATTERN = /^[a-z_]+(\.[a-z_]+|\.\*)$/;

export const auditFilterSchema = z.object({
  from: instant,
  to: instant,
  actor: text(300),
  target: text(300),
  action: z.preprocess(
    firstValue,
    z
      .string()
      .optional()
      .transform((v) => {
        const list = (v ?? "")
          .split(",")
          .map((a) => a.trim())
          .filter((a) => ACTION_PATTERN.test(a));
        return list.length > 0 ? list.slice(0, 20) : undefined;
      })
      .catch(undefined),
  ),
  decision: z.preprocess(firstValue, z.enum(["allow", "deny", "info"]).optional().catch(undefined)),
  session: text(200),
  agent: text(200),
  person: text(200),
  server: text(200),
  q: text(200),
});

/** Reads a filter from URL search params; bad values are dropped rather than failing the page. */
export function parseAuditFilter(params: Record<string, unknown>): AuditFilter {
  const p = auditFilterSchema.parse(params);
  const filter: AuditFilter = {};
  if (p.from) filter.from = p.from;
  if (p.to) filter.to = p.to;
  if (p.actor) filter.actor = p.actor;
  if (p.target) filter.target = p.target;
  if (p.action) filter.actions = p.action;
  if (p.decision) filter.decision = p.decision;
  if (p.session) filter.session = p.session;
  if (p.agent) filter.agent = p.agent;
  if (p.person) filter.person = p.person;
  if (p.server) filter.server = p.server;
  if (p.q) filter.q = p.q;
  return filter;
}

/** The filter as URL search params (the inverse of parseAuditFilter). */
export function auditFilterParams(filter: AuditFilter): URLSearchParams {
  const out = new URLSearchParams();
  if (filter.from) out.set("from", filter.from.toISOString());
  if (filter.to) out.set("to", filter.to.toISOString());
  if (filter.actor) out.set("actor", filter.actor);
  if (filter.target) out.set("target", filter.target);
  if (filter.actions) out.set("action", filter.actions.join(","));
  if (filter.decision) out.set("decision", filter.decision);
  if (filter.session) out.set("session", filter.session);
  if (filter.agent) out.set("agent", filter.agent);
  if (filter.person) out.set("person", filter.person);
  if (filter.server) out.set("server", filter.server);
  if (filter.q) out.set("q", filter.q);
  return out;
}

export function isFiltered(filter: AuditFilter): boolean {
  return Object.keys(filter).length > 0;
}
