import { getDb } from "@/lib/db/client";
import { pageRequestSchema, parsePageRequest } from "@/lib/pagination/keyset";
import { listSessions } from "@/lib/sessions/list-sessions";
import { sessionFiltersSchema } from "@/lib/sessions/session-filters";
import { defineApiRoute } from "@/app/_server/api-route";

/**
 * Agent sessions, a keyset page at a time: `?status=active|revoked|expired|all&agentId=&userId=&serverId=&risk=&age=&sort=&q=&cursor=&limit=`.
 */
export const GET = defineApiRoute({
  permission: "sessions.view",
  query: sessionFiltersSchema.extend(pageRequestSchema.shape).loose(),
  handler: async ({ req }) => {
    const params = Object.fromEntries(req.nextUrl.searchParams);
    const request = parsePageRequest(params);
    const page = await listSessions(getDb(), request, sessionFiltersSchema.parse(params));
    return {
      data: page.rows,
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      position: page.position ?? null,
      pageSize: request.limit,
    };
  },
});
