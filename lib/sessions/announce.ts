import { revocationBus } from "@/lib/gateway/revocation-bus";

/** After commit: this process's gateway refuses these sessions at once (other instances hear the NOTIFY or catch up). */
export function announceRevoked(sessionIds: readonly string[]): void {
  for (const id of sessionIds) revocationBus.onRevoked(id);
}
