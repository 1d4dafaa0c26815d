/**
 * Child process of `npm run bench:tokens`: Mandate's protocol server (the same
 * node:http routes server/main.ts mounts in front of Next) on the store named
 * by DATABASE_URL, on an ephemeral port. Reports its address, then its CPU
 * time on request, over IPC.
 */
import type { AddressInfo } from "node:net";
import { createDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { createOAuthContext } from "@/lib/oauth/create-context";
import { createProtocolServer } from "@/server/protocol-server";
import { serveBenchChild } from "./child";

const db = createDb(resolveDatabaseConfig());
const ctx = createOAuthContext(db, { issuer: "http://placeholder" });
const server = createProtocolServer(ctx);
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  // The issuer is the address clients reach: assertions are addressed to it.
  ctx.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  serveBenchChild(ctx.issuer, async () => {
    server.closeAllConnections();
    server.close();
    await db.$disconnect();
  });
});
