import type { ApiKeyView } from "@/lib/auth/api-keys";

/** An API key as the browser receives it: dates as ISO strings. */
export type ApiKeyRow = Omit<ApiKeyView, "createdAt" | "expiresAt" | "lastUsedAt" | "revokedAt"> & {
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toApiKeyRow(key: ApiKeyView): ApiKeyRow {
  return {
    ...key,
    createdAt: key.createdAt.toISOString(),
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}
