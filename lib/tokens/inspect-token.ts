import { decodeProtectedHeader, type JWTPayload } from "jose";
import type { OAuthContext } from "@/lib/oauth/context";
import { TYP_ACCESS_TOKEN, TYP_ID_JAG } from "@/lib/oauth/defaults";
import { verifyOwnToken } from "./verify-own-token";

export type TokenState =
  | {
      active: true;
      payload: JWTPayload;
      kind: "access_token" | "id_jag" | "refresh_token";
      tokenId: string;
      sessionId: string;
      expiresAt: Date;
    }
  | {
      active: false;
      reason: string;
      payload?: JWTPayload;
      tokenId?: string;
      sessionId?: string;
      revokedAt?: Date | null;
    };

/**
 * Is this one of our tokens, and is it still good? Signature, then the store:
 * unknown, revoked, expired, or from a session that was revoked or ended all
 * read as inactive.
 */
export async function inspectToken(ctx: OAuthContext, token: string, now: Date): Promise<TokenState> {
  let typ: string | undefined;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    return { active: false, reason: "not a JWS" };
  }
  if (typ !== TYP_ACCESS_TOKEN && typ !== TYP_ID_JAG) return { active: false, reason: "not a Mandate token type" };
  const checked = await verifyOwnToken(ctx.keys, token, { issuer: ctx.issuer, typ, now });
  if (!checked.ok) return { active: false, reason: checked.reason };
  const jti = checked.payload.jti ?? "";
  const row = await ctx.db.issuedToken.findUnique({
    where: { jti },
    select: {
      id: true,
      kind: true,
      sessionId: true,
      expiresAt: true,
      revokedAt: true,
      session: { select: { status: true, expiresAt: true } },
    },
  });
  if (!row) return { active: false, reason: "unknown token", payload: checked.payload };
  const base = { payload: checked.payload, tokenId: row.id, sessionId: row.sessionId, revokedAt: row.revokedAt };
  if (row.revokedAt) return { active: false, reason: "revoked", ...base };
  if (row.expiresAt <= now) return { active: false, reason: "expired", ...base };
  if (row.session.status !== "active" || row.session.expiresAt <= now)
    return {
      active: false,
      reason: `session ${row.session.status === "active" ? "ended" : row.session.status}`,
      ...base,
    };
  return {
    active: true,
    payload: checked.payload,
    kind: row.kind,
    tokenId: row.id,
    sessionId: row.sessionId,
    expiresAt: row.expiresAt,
  };
}
