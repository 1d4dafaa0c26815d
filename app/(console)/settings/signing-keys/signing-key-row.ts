import type { SigningKeyItem, SigningKeyStatus } from "@/lib/keys/list-signing-keys";

/** A signing key as the client table receives it (dates as ISO strings). */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  createdAt: string;
  activatedAt: string | null;
  retiringAt: string | null;
  publishUntil: string | null;
}

export function toSigningKeyRow(k: SigningKeyItem): SigningKeyRow {
  return {
    kid: k.kid,
    alg: k.alg,
    status: k.status,
    createdAt: k.createdAt.toISOString(),
    activatedAt: k.activatedAt?.toISOString() ?? null,
    retiringAt: k.retiringAt?.toISOString() ?? null,
    publishUntil: k.publishUntil?.toISOString() ?? null,
  };
}
