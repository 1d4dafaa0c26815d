import type { IncomingMessage } from "node:http";
import { InvalidRequest } from "@/lib/oauth/errors";

/**
 * Reads a request body up to `limit` bytes. A declared or actual size above
 * the limit fails with 413 without buffering the rest.
 */
export function bodyReader(req: IncomingMessage, limit: number): () => Promise<Buffer> {
  let pending: Promise<Buffer> | null = null;
  return () =>
    (pending ??= new Promise<Buffer>((resolve, reject) => {
      const tooLarge = () => new InvalidRequest(`request body exceeds ${limit} bytes`, 413);
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > limit) {
        req.resume(); // drain, so the connection can answer
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners("data");
          req.resume();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    }));
}
