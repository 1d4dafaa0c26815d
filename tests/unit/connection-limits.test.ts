import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { OAuthContext } from "@/lib/oauth/context";
import { applyConnectionLimits } from "@/server/connection-limits";
import { createProtocolServer } from "@/server/protocol-server";

const LIMITS = { headersMs: 300, requestMs: 2000, keepAliveMs: 400 };

/** Resolves with how long the server took to close a connection that sends `bytes` and then nothing (Infinity if not within `waitMs`). */
function closedAfter(server: Server, bytes: string, waitMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () => {
      if (bytes) socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Infinity);
    }, waitMs);
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

describe("connection limits", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
  });
  const listen = async (s: Server) => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return s;
  };

  it("closes a connection to the protocol server that never sends a request, and one that stops mid-headers", async () => {
    // Routes are only built here, nothing reads the store: a context with what construction needs is enough.
    const ctx = { settings: { maxBodyBytes: 1024 }, db: {}, issuer: "http://x" } as unknown as OAuthContext;
    const server = await listen(createProtocolServer(ctx, { limits: LIMITS }));
    expect(await closedAfter(server, "")).toBeLessThan(2500);
    expect(await closedAfter(server, "GET /healthz HTTP/1.1\r\nHost: x\r\n")).toBeLessThan(2500);
  });

  it("never cuts a request in flight, however long it takes to answer, and closes the connection once idle", async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end("slow answer"), 3 * LIMITS.headersMs));
    applyConnectionLimits(server, LIMITS);
    await listen(server);
    const got: string[] = [];
    const closed = await new Promise<number>((resolve) => {
      const t0 = performance.now();
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () =>
        socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      socket.on("data", (c: Buffer) => got.push(c.toString()));
      socket.on("close", () => resolve(performance.now() - t0));
    });
    expect(got.join("")).toContain("slow answer");
    // Answered after 3 × headersMs, then closed once idle for about keepAliveMs.
    expect(closed).toBeGreaterThan(3 * LIMITS.headersMs);
    expect(closed).toBeLessThan(3 * LIMITS.headersMs + 2500);
  });
});
