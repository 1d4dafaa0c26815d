import { providerOf, type Db, type Tx } from "@/lib/db/client";

/**
 * A case-insensitive "contains" filter on both databases. SQLite's LIKE already
 * ignores ASCII case; PostgreSQL needs `mode: "insensitive"` (ILIKE), which the
 * SQLite client's types do not know — hence the cast to the common shape.
 */
export function containsText(db: Db | Tx, text: string): { contains: string } {
  if (providerOf(db) === "postgresql") {
    return { contains: text, mode: "insensitive" } as { contains: string };
  }
  return { contains: text };
}

/** Whether Prisma's text filters must ask for `mode: "insensitive"` to ignore case (PostgreSQL; SQLite's LIKE already does, for ASCII). */
export function textFiltersNeedInsensitiveMode(db: Db | Tx): boolean {
  return providerOf(db) === "postgresql";
}
