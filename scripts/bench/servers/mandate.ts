/**
 * Child process of `npm run bench:tokens`: Mandate's protocol server (the same
 * node:http routes server/main.ts mounts in front of Next) on the store named
 * by DATABASE_URL, on an ephemeral port. Reports its address, then its CPU
 * time on request, over IPC. BENCH_ISSUER makes it answer as another
 * instance's issuer: several instances on one store behind one name.
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
  // The issuer is the address clients reach (or the first instance's): assertions are addressed to it.
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx.issuer = process.env.BENCH_ISSUER || address;
  serveBenchChild(
    ctx.issuer,
    async () => {
      server.closeAllConnections();
      server.close();
      await db.$disconnect();
    },
    address,
  );
});
