import type { PrincipalType } from "./assignment-schemas";

/** What lists of assignments show: who holds which entitlement, until when, and why. */
export interface AssignmentItem {
  id: string;
  entitlement: { id: string; name: string; serverName: string };
  principalType: PrincipalType;
  principal: { id: string; label: string; detail: string | null };
  expiresAt: Date | null;
  justification: string;
  grantedBy: string | null;
  createdAt: Date;
}

export const assignmentItemSelect = {
  id: true,
  principalType: true,
  expiresAt: true,
  justification: true,
  createdAt: true,
  entitlement: { select: { id: true, name: true, server: { select: { name: true } } } },
  agent: { select: { id: true, name: true, clientId: true } },
  user: { select: { id: true, displayName: true, email: true } },
  group: { select: { id: true, displayName: true } },
  grantedBy: { select: { email: true } },
} as const;

interface SelectedAssignment {
  id: string;
  principalType: PrincipalType;
  expiresAt: Date | null;
  justification: string;
  createdAt: Date;
  entitlement: { id: string; name: string; server: { name: string } };
  agent: { id: string; name: string; clientId: string } | null;
  user: { id: string; displayName: string; email: string } | null;
  group: { id: string; displayName: string } | null;
  grantedBy: { email: string } | null;
}

export function toAssignmentItem(a: SelectedAssignment): AssignmentItem {
  const principal = a.agent
    ? { id: a.agent.id, label: a.agent.name, detail: a.agent.clientId }
    : a.user
      ? { id: a.user.id, label: a.user.displayName, detail: a.user.email }
      : { id: a.group?.id ?? "", label: a.group?.displayName ?? "(deleted)", detail: null };
  return {
    id: a.id,
    entitlement: { id: a.entitlement.id, name: a.entitlement.name, serverName: a.entitlement.server.name },
    principalType: a.principalType,
    principal,
    expiresAt: a.expiresAt,
    justification: a.justification,
    grantedBy: a.grantedBy?.email ?? null,
    createdAt: a.createdAt,
  };
}
