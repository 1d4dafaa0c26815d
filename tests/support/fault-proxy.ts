import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * What the proxy does with connections:
 * - `pass`: relays both ways (the database is up);
 * - `refuse`: nothing listens (connections are refused) and existing ones are reset (a stopped database);
 * - `blackhole`: new connections are accepted and never answered, existing ones stop relaying in both
 *   directions, what was sent staying queued (a frozen database — SIGSTOP — or a partition without
 *   resets: nothing fails, nothing answers). Back to `pass`, the queued bytes flow, as after SIGCONT.
 */
export type FaultMode = "pass" | "refuse" | "blackhole";

export interface FaultProxy {
  /** 127.0.0.1:<port> to connect to instead of the database. */
  readonly host: string;
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  readonly mode: FaultMode;
  /** Resolves once the proxy behaves so (listening again, after `refuse`). */
  set(mode: FaultMode): Promise<void>;
  /** Resets every open connection (the database restarted: each client must reconnect). */
  dropAll(): void;
  /** Connections currently open through the proxy. */
  readonly open: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

/**
 * A TCP proxy between Mandate and a database that a test controls, so an
 * outage is one process's view of the database and never touches the shared
 * server: stopping or freezing the machine's PostgreSQL would break every
 * other test using it.
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = "pass";
  const pairs = new Set<Pair>();

  const reset = (p: Pair) => {
    p.client.resetAndDestroy();
    p.upstream?.resetAndDestroy();
    pairs.delete(p);
  };

  const relay = (p: Pair) => {
    const up = connect(target.port, target.host);
    p.upstream = up;
    up.setNoDelay(true);
    p.client.setNoDelay(true);
    // Not pipe(): a black-holed pair is paused (bytes wait in the kernel's buffers), and pipe() would resume it.
    p.client.on("data", (chunk: Buffer) => up.write(chunk));
    up.on("data", (chunk: Buffer) => p.client.write(chunk));
    if (mode === "blackhole") freeze(p);
    const end = () => {
      pairs.delete(p);
      p.client.destroy();
      up.destroy();
    };
    up.on("error", end).on("close", end);
    p.client.on("error", end).on("close", end);
  };
  const freeze = (p: Pair) => {
    p.client.pause();
    p.upstream?.pause();
  };
  const thaw = (p: Pair) => {
    if (!p.upstream) return relay(p); // accepted while frozen: its bytes reach the database now
    p.client.resume();
    p.upstream.resume();
  };

  const server: Server = createServer((client) => {
    const p: Pair = { client, upstream: null };
    pairs.add(p);
    client.on("error", () => pairs.delete(p));
    client.on("close", () => pairs.delete(p));
    if (mode === "blackhole") return client.pause(); // accepted, never answered until thawed
    relay(p);
  });
  let port = 0;
  const listen = () => new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  await listen();
  port = (server.address() as AddressInfo).port;

  return {
    host: "127.0.0.1",
    port,
    urlThrough(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    get mode() {
      return mode;
    },
    async set(next) {
      const was = mode;
      mode = next;
      if (next === "refuse") {
        for (const p of [...pairs]) reset(p);
        if (server.listening) await new Promise<void>((r) => server.close(() => r()));
        return;
      }
      if (!server.listening) await listen();
      if (next === "blackhole") for (const p of pairs) freeze(p);
      if (next === "pass" && was === "blackhole") for (const p of [...pairs]) thaw(p);
    },
    dropAll() {
      for (const p of [...pairs]) reset(p);
    },
    get open() {
      return pairs.size;
    },
    close() {
      for (const p of [...pairs]) reset(p);
      return new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
    },
  };
}
