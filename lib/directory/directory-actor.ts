import type { AuditInput } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";

/** Who changed the directory, as the audit trail records it: a console principal or a SCIM client. */
export type DirectoryActor = Pick<AuditInput, "actorType" | "actorId" | "actorLabel"> & {
  /** Where the change came from, recorded in every directory event. */
  via: "scim" | "console";
  requestId?: string | null;
  clientAddress?: string | null;
  /** A SCIM client that provisions for an enterprise IdP: the externalIds it sends are subjects at this issuer. */
  idpIssuer?: string | null;
};

export function consoleDirectoryActor(principal: Principal): DirectoryActor {
  return { ...actorOf(principal), via: "console" };
}

export function scimDirectoryActor(
  token: { id: string; name: string; idpIssuer?: string | null },
  request: { requestId?: string | null; clientAddress?: string | null } = {},
): DirectoryActor {
  return {
    actorType: "system",
    actorId: token.id,
    actorLabel: `SCIM client ${token.name}`,
    via: "scim",
    idpIssuer: token.idpIssuer ?? null,
    ...request,
  };
}

/** The audit fields of an actor (without `via`). */
export function auditActor(
  a: DirectoryActor,
): Pick<AuditInput, "actorType" | "actorId" | "actorLabel" | "requestId" | "clientAddress"> {
  return {
    actorType: a.actorType,
    actorId: a.actorId,
    actorLabel: a.actorLabel,
    requestId: a.requestId ?? null,
    clientAddress: a.clientAddress ?? null,
  };
}
