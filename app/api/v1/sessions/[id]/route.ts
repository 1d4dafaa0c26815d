import { getDb } from "@/lib/db/client";
import { getSessionDetail } from "@/lib/sessions/get-session";
import { defineApiRoute } from "@/app/_server/api-route";

/** One session: its tokens, its tool calls, its blast radius and who authorized what. */
export const GET = defineApiRoute({
  permission: "sessions.view",
  handler: async ({ params }) => ({ data: await getSessionDetail(getDb(), params.id ?? "") }),
});
