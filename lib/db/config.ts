import { isAbsolute, resolve } from "node:path";

/**
 * Where Mandate keeps its state. SQLite is the embedded, zero-configuration
 * default; a postgres:// URL in DATABASE_URL selects PostgreSQL, which is how
 * several instances share one store.
 */
export type DatabaseConfig = { provider: "sqlite"; file: string } | { provider: "postgresql"; url: string };

export const DEFAULT_SQLITE_FILE = "data/mandate.db";

export function resolveDatabaseConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { provider: "sqlite", file: resolve(cwd, DEFAULT_SQLITE_FILE) };
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    return { provider: "sqlite", file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  throw new Error(
    `DATABASE_URL must be a postgres:// URL or a file: path to an SQLite database (got "${url.split(":")[0]}:…")`,
  );
}

export function describeDatabase(config: DatabaseConfig): string {
  if (config.provider === "sqlite") return `SQLite ${config.file}`;
  const u = new URL(config.url);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}
