import { afterAll, beforeAll } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { freshDatabase, type FreshDatabase, type Provider } from "./databases";

/**
 * A fresh, migrated database and a client on it for the enclosing describe
 * block: created before its tests, disconnected and dropped after them. Read
 * `db` and `fresh` inside tests (they are set once the suite has started).
 */
export function suiteDatabase(provider: Provider): { readonly db: Db; readonly fresh: FreshDatabase } {
  let fresh: FreshDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    db = createDb(fresh.config);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await fresh?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error("the suite's database is not open yet");
      return db;
    },
    get fresh() {
      if (!fresh) throw new Error("the suite's database is not open yet");
      return fresh;
    },
  };
}
