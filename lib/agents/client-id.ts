import type { Tx } from "@/lib/db/client";

/** "Release Captain" → "release-captain": readable in logs and token claims. */
export function slugOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "agent";
}

/**
 * `agent-<slug>`, with a numeric suffix when two names slug alike ("Bot 1" and
 * "bot-1"). A retired agent keeps its client id, so it is never reused.
 */
export async function newClientId(tx: Tx, name: string): Promise<string> {
  const base = `agent-${slugOf(name)}`;
  const taken = new Set(
    (await tx.agent.findMany({ where: { clientId: { startsWith: base } }, select: { clientId: true } })).map(
      (a) => a.clientId,
    ),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
