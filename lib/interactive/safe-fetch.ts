import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Limits of a fetch Mandate makes on a client's say-so (a Client ID Metadata
 * Document): the URL comes from whoever sends an authorization request, so
 * it must not reach into the deployment's own network (SSRF, RFC 9700 §4.16,
 * draft-ietf-oauth-client-id-metadata-document "Server-Side Request Forgery").
 */
export interface SafeFetchLimits {
  /** Hostnames allowed to resolve to private, loopback or link-local addresses (exact, lower case). */
  allowPrivateHosts: readonly string[];
  /** The whole exchange, connect to last byte. */
  timeoutMs: number;
  maxBytes: number;
  /** Extra trusted CA certificates (PEM), e.g. a test's or an internal CA. */
  ca?: string;
}

export class SafeFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafeFetchError";
  }
}

export interface SafeFetchResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Public unicast only: ipaddr.js names every special-purpose range (RFC 6890), "unicast" is what is left. */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

function mayConnect(host: string, address: string, limits: SafeFetchLimits): boolean {
  return isPublicAddress(address) || limits.allowPrivateHosts.includes(host.toLowerCase());
}

/**
 * The connection's own name resolution: every address the name resolves to is
 * checked and the socket connects to a checked one, so a second resolution
 * (DNS rebinding) cannot swap in an internal address after the check.
 */
function guardedLookup(host: string, limits: SafeFetchLimits): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { all: true, family: options.family as number | undefined },
      (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, "", 0);
        const refused = addresses.find((a) => !mayConnect(host, a.address, limits));
        if (refused || addresses.length === 0) {
          return callback(
            Object.assign(new SafeFetchError(`${host} resolves to a non-public address`), { code: "EADDRNOTPUBLIC" }),
            "",
            0,
          );
        }
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
    );
  };
}

/**
 * GET over HTTPS with those limits: no redirects followed, the body cut at
 * `maxBytes`, the whole exchange bounded by `timeoutMs`, and no address but a
 * public one (or a configured host's) ever connected to.
 */
export function safeFetch(
  rawUrl: string,
  limits: SafeFetchLimits,
  accept = "application/json",
): Promise<SafeFetchResponse> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.reject(new SafeFetchError("not a URL"));
  }
  if (url.protocol !== "https:") return Promise.reject(new SafeFetchError("only https URLs are fetched"));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // Node connects to an IP literal without a lookup: check it here.
  if (isIP(host) && !mayConnect(host, host, limits))
    return Promise.reject(new SafeFetchError(`${host} is not a public address`));

  return new Promise<SafeFetchResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept, "user-agent": "Mandate" },
        lookup: guardedLookup(host, limits),
        agent: false,
        ...(limits.ca ? { ca: limits.ca } : {}),
      },
      (res) => {
        const declared = Number(res.headers["content-length"] ?? 0);
        if (declared > limits.maxBytes) {
          res.destroy();
          return finish(() => reject(new SafeFetchError(`response is larger than ${limits.maxBytes} bytes`)));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            res.destroy();
            finish(() => reject(new SafeFetchError(`response is larger than ${limits.maxBytes} bytes`)));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })),
        );
        res.on("error", (e) => finish(() => reject(new SafeFetchError(e.message))));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(() => reject(new SafeFetchError(`no complete answer within ${limits.timeoutMs} ms`)));
    }, limits.timeoutMs);
    req.on("error", (e) => finish(() => reject(e instanceof SafeFetchError ? e : new SafeFetchError(e.message))));
    req.end();
  });
}
