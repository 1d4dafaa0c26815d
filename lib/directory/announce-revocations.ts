import { revocationBus } from "@/lib/gateway/revocation-bus";
import type { OffboardingResult } from "./offboard-person";

/** After commit: this process's gateway refuses the revoked sessions at once (others on their next poll). */
export function announceRevocations(result: Pick<OffboardingResult, "revokedSessionIds"> | null | undefined): void {
  for (const id of result?.revokedSessionIds ?? []) revocationBus.onRevoked(id);
}
