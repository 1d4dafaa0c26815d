import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Makes the embedded database owner-only before SQLite opens it: its folder
 * (`data/`), when this creates it, 0700, and the database file 0600. SQLite
 * gives the WAL and shared-memory files it creates the database file's
 * permissions, so they follow; existing ones are tightened too. The database
 * holds hashed secrets, sealed keys and the audit trail: other local users
 * have no business reading it.
 */
export function preparePrivateDatabaseFile(file: string): void {
  if (file === ":memory:" || file.startsWith("file::memory:")) return;
  // Only folders made here: an existing one (a repo root, /var/lib/…) keeps what its owner chose.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}
