"use client";

import { SearchX } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { ConsolePerson } from "@/lib/people/list-people";
import { GrantRoleForm, RoleBadge } from "./role-controls";

/** People found in the directory by name or email, each with a role picker. */
export function PersonSearchResults({
  query,
  people,
  canManage,
  selfId,
}: {
  query: string;
  people: ConsolePerson[];
  canManage: boolean;
  selfId: string;
}) {
  if (people.length === 0) {
    return (
      <EmptyState
        icon={SearchX}
        title="Nobody found"
        description={
          <>
            No one in the directory has a name or email containing{" "}
            <span className="font-medium text-foreground">“{query}”</span>.
          </>
        }
      />
    );
  }
  return (
    <ul
      className="divide-y rounded-lg border"
      aria-label={`People matching ${query}`}
      data-testid="person-search-results"
    >
      {people.map((person) => {
        const isSelf = person.id === selfId;
        return (
          <li
            key={person.id}
            className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center sm:justify-between"
            data-testid="person-search-result"
          >
            <div className="grid gap-1">
              <span className="flex items-center gap-2 text-sm font-medium">
                {person.displayName}
                {isSelf ? <Badge variant="muted">You</Badge> : null}
                {!person.active ? <Badge variant="danger">Deactivated</Badge> : null}
              </span>
              <span className="text-xs text-muted-foreground">{person.email}</span>
              <div className="flex flex-wrap gap-1">
                {person.roles.length === 0 ? (
                  <span className="text-xs text-muted-foreground">No console role</span>
                ) : null}
                {person.roles.map((role) => (
                  <RoleBadge key={role} person={person} role={role} canManage={canManage} isSelf={isSelf} />
                ))}
              </div>
            </div>
            {canManage ? <GrantRoleForm person={person} isSelf={isSelf} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
