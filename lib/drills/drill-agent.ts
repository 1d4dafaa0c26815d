import type { Db } from "@/lib/db/client";
import type { ClientAgent } from "@/lib/oauth/client-auth";

/**
 * The built-in agent revocation drills mint their canary tokens for. Its
 * client_id cannot collide with a registered agent's (those are
 * `agent-<slug>`, a metadata URL or a registration id), it holds no
 * credential (private_key_jwt with no keys: nobody can authenticate as it at
 * the token endpoint), it has no assignments (so it reaches nothing through
 * the entitlement model, and no review or certification ever lists it), and
 * everything it does is labelled with its name.
 */
export const DRILL_CLIENT_ID = "mandate-revocation-drill";
export const DRILL_AGENT_NAME = "Mandate revocation drill (canary)";
/** The canary needs only seconds; its token never outlives this. */
const CANARY_LIFETIME_SECONDS = 120;

/** The drill agent, created on first use. */
export async function ensureDrillAgent(db: Db): Promise<ClientAgent> {
  const select = {
    id: true,
    clientId: true,
    name: true,
    kind: true,
    status: true,
    authMethod: true,
    jwksUri: true,
    jwks: true,
    clientSecretHash: true,
    allowedGrantTypes: true,
    maxTokenLifetimeSeconds: true,
  } as const;
  const found = await db.agent.findUnique({ where: { clientId: DRILL_CLIENT_ID }, select });
  if (found) return found as ClientAgent;
  try {
    return (await db.agent.create({
      data: {
        clientId: DRILL_CLIENT_ID,
        name: DRILL_AGENT_NAME,
        kind: "autonomous",
        status: "active",
        authMethod: "private_key_jwt",
        purpose:
          "Built in. Mints a canary token with no tools for each revocation drill, revokes it and measures how fast every enforcement point refuses it. Holds no credential.",
        allowedGrantTypes: "client_credentials",
        maxTokenLifetimeSeconds: CANARY_LIFETIME_SECONDS,
      },
      select,
    })) as ClientAgent;
  } catch (e) {
    // Two drills starting together: the other created it.
    const again = await db.agent.findUnique({ where: { clientId: DRILL_CLIENT_ID }, select });
    if (again) return again as ClientAgent;
    throw e;
  }
}

/** Where-clause fragment that leaves the drill agent out of usage evidence, reviews and certifications. */
export const notDrillAgent = { clientId: { not: DRILL_CLIENT_ID } } as const;
