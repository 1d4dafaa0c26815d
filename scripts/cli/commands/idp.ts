import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Principal } from "@/lib/auth/principal";
import { DomainError } from "@/lib/errors/domain-error";
import { ISSUER_ROLES, type IssuerAlgorithm, type IssuerRole } from "@/lib/federation/issuer-roles";
import {
  addWorkloadIdentity,
  listWorkloadIdentities,
  removeWorkloadIdentity,
} from "@/lib/federation/workload-identities";
import {
  addAgentIdpClient,
  addTrustedIssuer,
  listTrustedIssuers,
  removeTrustedIssuer,
  testTrustedIssuer,
} from "@/lib/federation/trusted-issuers";
import { cliPrincipal } from "@/lib/policy/cli-principal";
import type { Db } from "@/lib/db/client";
import { UsageError, type CliIo, type Command } from "../command";
import { openMigratedDatabase } from "../open-database";
import { osUser } from "../policy-run";

const USAGE = [
  "add --name N --issuer URL [--role enterprise_idp|id_jag_issuer|workload_issuer]... [--jwks-uri URL | --jwks-file FILE]",
  "        [--alg RS256]... [--user-match sub|email] [--as EMAIL]       (without --jwks-*: discovery from the issuer's metadata)",
  "    list",
  "    test --issuer URL",
  "    bind --issuer URL --agent CLIENT_ID --idp-client-id ID [--as EMAIL]   (a delegated agent's client id at the IdP)",
  "    map --issuer URL --agent CLIENT_ID --sub SUB [--claim NAME=VALUE]... [--as EMAIL]   (a workload identity acts as an autonomous agent)",
  "    workloads [--issuer URL]",
  "    unmap --id RULE_ID [--as EMAIL]",
  "    remove --issuer URL [--as EMAIL]",
].join("\n");

async function principalFor(db: Db, io: CliIo, as: string | undefined): Promise<Principal> {
  return as
    ? cliPrincipal(db, { as, osUser: osUser(io) })
    : { kind: "system", label: `mandate idp (OS user ${osUser(io)})`, roles: ["admin"] };
}

async function issuerId(db: Db, issuer: string | undefined): Promise<string> {
  if (!issuer) throw new UsageError("--issuer URL is required");
  const row = await db.trustedIdp.findUnique({ where: { issuer }, select: { id: true } });
  if (!row) throw new DomainError("not_found", `No trusted issuer ${issuer}`);
  return row.id;
}

const options = {
  name: { type: "string" },
  issuer: { type: "string" },
  role: { type: "string", multiple: true },
  "jwks-uri": { type: "string" },
  "jwks-file": { type: "string" },
  alg: { type: "string", multiple: true },
  "user-match": { type: "string" },
  as: { type: "string" },
  agent: { type: "string" },
  "idp-client-id": { type: "string" },
  sub: { type: "string" },
  claim: { type: "string", multiple: true },
  id: { type: "string" },
} as const;

/** --claim NAME=VALUE pairs as the required claims of a workload identity rule. */
function parseClaims(pairs: string[] | undefined): Record<string, string> | null {
  if (!pairs?.length) return null;
  const claims: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--claim must be NAME=VALUE, got "${pair}"`);
    claims[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return claims;
}

/**
 * `idp add|list|test|bind|remove`: trusted issuers without a browser, through
 * the same domain functions (and audit events) as Settings → Identity providers.
 */
export const idpCommand: Command = {
  name: "idp",
  summary:
    "trusted identity providers: add (discovery or static keys), list, test keys, bind an agent's IdP client id, map workload identities, remove",
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (!sub || !["add", "list", "test", "bind", "map", "workloads", "unmap", "remove"].includes(sub))
      throw new UsageError(sub ? `unknown idp subcommand "${sub}"` : "idp needs a subcommand");
    const { values } = parseArgs({ args: rest, strict: true, allowPositionals: false, options });
    const opened = await openMigratedDatabase(io);
    if (!opened) return 1;
    const { db } = opened;
    try {
      switch (sub) {
        case "add": {
          if (!values.name || !values.issuer) throw new UsageError("--name and --issuer are required");
          const roles = (values.role?.length ? values.role : ["enterprise_idp"]) as IssuerRole[];
          const bad = roles.find((r) => !ISSUER_ROLES.includes(r));
          if (bad) throw new UsageError(`unknown role "${bad}" (roles: ${ISSUER_ROLES.join(", ")})`);
          if (values["jwks-uri"] && values["jwks-file"])
            throw new UsageError("give --jwks-uri or --jwks-file, not both");
          const jwks = values["jwks-file"] ? await readFile(values["jwks-file"], "utf8") : null;
          const keySource = jwks ? "jwks" : values["jwks-uri"] ? "jwks_uri" : "discovery";
          const userMatch = values["user-match"] ?? "sub";
          if (userMatch !== "sub" && userMatch !== "email") throw new UsageError("--user-match must be sub or email");
          const { id } = await addTrustedIssuer(db, await principalFor(db, io, values.as), {
            name: values.name,
            issuer: values.issuer,
            roles,
            keySource,
            jwksUri: values["jwks-uri"] ?? null,
            jwks,
            userMatch,
            ...(values.alg?.length ? { algorithms: values.alg as IssuerAlgorithm[] } : {}),
          });
          io.log(`trusted ${values.issuer} as ${roles.join(", ")} (id ${id})`);
          return 0;
        }
        case "list": {
          const all = await listTrustedIssuers(db);
          io.log(`${all.length} trusted issuer${all.length === 1 ? "" : "s"}`);
          for (const i of all) {
            const keys = i.jwksUri ?? `static JWK Set (${i.staticKeys?.length ?? 0} keys)`;
            io.log(
              `${i.name}\t${i.issuer}\t${i.roles.join(",")}\t${keys}\t${i.algorithms.join(",")}\tmatch=${i.userMatch}${i.enabled ? "" : "\tdisabled"}\tagents=${i.agentClients.length}`,
            );
          }
          return 0;
        }
        case "test": {
          const tested = await testTrustedIssuer(db, await issuerId(db, values.issuer));
          io.log(`${tested.keys.length} key${tested.keys.length === 1 ? "" : "s"} from ${tested.source}`);
          for (const k of tested.keys)
            io.log(`  kid=${k.kid ?? "—"} kty=${k.kty} alg=${k.alg ?? "—"} use=${k.use ?? "—"}`);
          return 0;
        }
        case "bind": {
          if (!values.agent || !values["idp-client-id"])
            throw new UsageError("--agent CLIENT_ID and --idp-client-id ID are required");
          const agent = await db.agent.findUnique({ where: { clientId: values.agent }, select: { id: true } });
          if (!agent) throw new DomainError("not_found", `No agent has the client id ${values.agent}`);
          await addAgentIdpClient(db, await principalFor(db, io, values.as), {
            idpId: await issuerId(db, values.issuer),
            agentId: agent.id,
            clientId: values["idp-client-id"],
          });
          io.log(
            `ID tokens from ${values.issuer} issued to ${values["idp-client-id"]} may be exchanged by ${values.agent}`,
          );
          return 0;
        }
        case "map": {
          if (!values.agent || !values.sub) throw new UsageError("--agent CLIENT_ID and --sub SUB are required");
          const agent = await db.agent.findUnique({ where: { clientId: values.agent }, select: { id: true } });
          if (!agent) throw new DomainError("not_found", `No agent has the client id ${values.agent}`);
          const claims = parseClaims(values.claim);
          const { id } = await addWorkloadIdentity(db, await principalFor(db, io, values.as), {
            idpId: await issuerId(db, values.issuer),
            agentId: agent.id,
            subject: values.sub,
            claims,
          });
          io.log(
            `workload JWTs from ${values.issuer} with sub ${values.sub}${
              claims
                ? ` and ${Object.entries(claims)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ")}`
                : ""
            } act as ${values.agent} (rule ${id})`,
          );
          return 0;
        }
        case "workloads": {
          const rules = await listWorkloadIdentities(
            db,
            values.issuer ? { idpId: await issuerId(db, values.issuer) } : {},
          );
          io.log(`${rules.length} workload identit${rules.length === 1 ? "y" : "ies"}`);
          for (const w of rules) {
            io.log(
              `${w.id}\t${w.issuer}\tsub=${w.subject}\t${
                Object.entries(w.claims)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(",") || "—"
              }\t→ ${w.agentClientId}`,
            );
          }
          return 0;
        }
        case "unmap": {
          if (!values.id) throw new UsageError("--id RULE_ID is required (see idp workloads)");
          await removeWorkloadIdentity(db, await principalFor(db, io, values.as), values.id);
          io.log(`removed workload identity ${values.id}`);
          return 0;
        }
        default: {
          await removeTrustedIssuer(db, await principalFor(db, io, values.as), await issuerId(db, values.issuer));
          io.log(`no longer trusting ${values.issuer}`);
          return 0;
        }
      }
    } finally {
      await db.$disconnect();
    }
  },
};
