import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { jsonColumnValue } from "@/lib/db/raw-values";

/** The Setting row holding how unknown interactive clients are admitted. */
export const REGISTRATION_POLICY_KEY = "interactive_clients";

/** A client id (exact) or a domain: `example.com` matches a client id URL on example.com or any of its subdomains. */
const entrySchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine((v) => v.startsWith("name:") || !/\s/.test(v), "No spaces (except in name:<client name>)");

export const registrationPolicySchema = z.object({
  /** RFC 7591 dynamic registration at /oauth/register. Off unless an admin turns it on. */
  dynamicRegistration: z.boolean().default(false),
  /** Unknown clients matching one of these start approved instead of pending approval. */
  autoApprove: z.array(entrySchema).max(200).default([]),
});
export type RegistrationPolicy = z.infer<typeof registrationPolicySchema>;

export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = { dynamicRegistration: false, autoApprove: [] };

/** Settings → Interactive clients, read fresh (a change counts from the next request on every instance). */
export async function registrationPolicy(db: Db): Promise<RegistrationPolicy> {
  const row = await db.setting.findUnique({ where: { key: REGISTRATION_POLICY_KEY } });
  if (!row) return DEFAULT_REGISTRATION_POLICY;
  const parsed = registrationPolicySchema.safeParse(jsonColumnValue(row.value));
  // A row that no longer parses admits nobody automatically: fail closed.
  return parsed.success ? parsed.data : DEFAULT_REGISTRATION_POLICY;
}

/** Does the auto-approval list name this client (by client id, or by the host of a client id URL)? */
export function autoApproved(policy: RegistrationPolicy, clientId: string, clientName: string | null = null): boolean {
  let host: string | null = null;
  try {
    const url = new URL(clientId);
    host = url.protocol === "https:" ? url.hostname.toLowerCase() : null;
  } catch {
    host = null;
  }
  return policy.autoApprove.some((entry) => {
    if (entry === clientId) return true;
    const domain = entry.toLowerCase().replace(/^\*\./, "");
    if (host && !entry.includes("/") && (host === domain || host.endsWith(`.${domain}`))) return true;
    // DCR clients have no URL: an entry "name:<client_name>" admits them by their registered name.
    return clientName !== null && entry.startsWith("name:") && entry.slice(5) === clientName;
  });
}

/** Changes the policy; audited with before and after in the same transaction. */
export async function setRegistrationPolicy(
  db: Db,
  actor: Principal,
  raw: z.input<typeof registrationPolicySchema>,
): Promise<RegistrationPolicy> {
  const value = registrationPolicySchema.parse(raw);
  const before = await registrationPolicy(db);
  await db.$transaction(async (tx) => {
    await tx.setting.upsert({
      where: { key: REGISTRATION_POLICY_KEY },
      create: { key: REGISTRATION_POLICY_KEY, value: value as never },
      update: { value: value as never },
    });
    await recordAudit(tx, {
      action: "agent.registration_policy_changed",
      ...actorOf(actor),
      targetType: "setting",
      targetId: REGISTRATION_POLICY_KEY,
      targetLabel: "Interactive clients",
      decision: "allow",
      reason: "Console change",
      detail: { before, after: value },
    });
  });
  return value;
}
