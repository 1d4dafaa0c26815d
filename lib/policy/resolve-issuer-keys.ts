import type { Db } from "@/lib/db/client";
import { discoverJwksUri, type FetchLike } from "@/lib/federation/issuer-discovery";
import { isDomainError } from "@/lib/errors/domain-error";
import type { PolicyIssue } from "./plan-types";
import type { PolicySource } from "./source-map";
import type { PolicyEntries } from "./validate-entries";

/**
 * An identity provider listed without jwksUri or jwks has its keys discovered
 * from its metadata (OIDC Discovery / RFC 8414), as the console's default. The
 * fetch happens here, before the applying transaction opens, so no database
 * lock is held across the network. An issuer already trusted with a JWKS URL
 * keeps it (nothing is fetched); a new one, a changed issuer, or one that had a
 * static set is discovered. Fills in jwksUri, or reports the failure at the
 * entry's issuer line.
 */
export async function resolveIssuerKeys(
  db: Db,
  source: PolicySource,
  entries: PolicyEntries,
  fetchFn: FetchLike = fetch,
): Promise<PolicyIssue[]> {
  const wanted = entries.identityProviders.filter((p) => p.discover);
  if (wanted.length === 0) return [];
  const current = await db.trustedIdp.findMany({
    where: { name: { in: wanted.map((p) => p.name) } },
    select: { name: true, issuer: true, jwksUri: true },
  });
  const issues: PolicyIssue[] = [];
  for (const p of wanted) {
    const stored = current.find((c) => c.name === p.name);
    if (stored?.jwksUri && stored.issuer === p.issuer) {
      p.jwksUri = stored.jwksUri;
      continue;
    }
    try {
      p.jwksUri = (await discoverJwksUri(p.issuer, fetchFn)).jwksUri;
    } catch (e) {
      if (!isDomainError(e)) throw e;
      issues.push(source.issueAt([...p.path, "issuer"], `${e.message} (or give jwksUri or jwks)`));
    }
  }
  return issues;
}
