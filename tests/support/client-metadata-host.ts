import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const TLS_DIR = fileURLToPath(new URL("./tls/", import.meta.url));
/** A self-signed certificate for localhost / 127.0.0.1 (test fixture, never trusted outside tests). */
export const TEST_CA_FILE = `${TLS_DIR}localhost-cert.pem`;

export interface ServedDocument {
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
  body: string;
}

export interface ClientMetadataHost {
  /** https://localhost:<port> */
  origin: string;
  port: number;
  /** What GET <path> answers. */
  serve(path: string, doc: ServedDocument): void;
  /** How many times each path was fetched. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** An HTTPS host for client metadata documents (a client's own web site), on 127.0.0.1. */
export async function startClientMetadataHost(): Promise<ClientMetadataHost> {
  const docs = new Map<string, ServedDocument>();
  const hits = new Map<string, number>();
  const server: Server = createServer(
    { cert: readFileSync(`${TLS_DIR}localhost-cert.pem`), key: readFileSync(`${TLS_DIR}localhost-key.pem`) },
    (req, res) => {
      const path = new URL(req.url ?? "/", "https://x").pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const doc = docs.get(path);
      if (!doc) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(doc.status ?? 200, { "content-type": doc.contentType ?? "application/json", ...doc.headers });
      res.end(doc.body);
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://localhost:${port}`,
    port,
    serve: (path, doc) => docs.set(path, doc),
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
