import type { Db } from "@/lib/db/client";

import type { PersonOption } from "./person-option";

export type { PersonOption };

/** Active people, for owner pickers. An enterprise's directory is thousands of rows at most. */
export async function activePeople(db: Db): Promise<PersonOption[]> {
  return db.user.findMany({
    where: { active: true },
    orderBy: { displayName: "asc" },
    take: 5000,
    select: { id: true, displayName: true, email: true },
  });
}
