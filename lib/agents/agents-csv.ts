import type { Db } from "@/lib/db/client";
import { isoCell, keysetCsv } from "@/lib/exports/keyset-csv";
import { type AgentListItem, listAgents } from "./list-agents";

export const AGENTS_CSV_HEADER = [
  "id",
  "name",
  "client_id",
  "kind",
  "status",
  "owner_name",
  "owner_email",
  "auth_method",
  "created_at",
] as const;

function cells(agent: AgentListItem): string[] {
  return [
    agent.id,
    agent.name,
    agent.clientId,
    agent.kind,
    agent.status,
    agent.owner?.displayName ?? "",
    agent.owner?.email ?? "",
    agent.authMethod,
    isoCell(agent.createdAt),
  ];
}

/** Every agent the Agents page lists for this search, as CSV. */
export function agentsCsv(db: Db, q?: string): ReadableStream<Uint8Array> {
  return keysetCsv(AGENTS_CSV_HEADER, cells, (request) => listAgents(db, request), q);
}
