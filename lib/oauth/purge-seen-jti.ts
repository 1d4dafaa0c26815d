import type { Db } from "@/lib/db/client";
import { purgeExpiredJtis } from "@/lib/db/stores/seen-jti";

/**
 * Runs the purge every `intervalMs` in the background of a serving process.
 * Several instances may run it at once: deleting a deleted row is a no-op.
 */
export function startJtiPurge(db: Db, intervalMs = 60_000): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    timer = setTimeout(() => {
      purgeExpiredJtis(db)
        .catch((e: unknown) =>
          console.error("mandate: purging expired jti values failed", e instanceof Error ? e.message : e),
        )
        .finally(() => {
          if (!stopped) tick();
        });
    }, intervalMs);
    timer.unref();
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
