/**
 * Redirect URIs of interactive clients (OAuth 2.1 §2.3.1 and §7.5, RFC 8252).
 * Registered: https; http only on a loopback host (a native app's own
 * listener); or a private-use scheme in reverse-domain form (RFC 8252 §7.1).
 * Never a fragment. Matching is exact string comparison, except that a
 * loopback IP literal's port may differ (RFC 8252 §7.3, OAuth 2.1 §8.4.2):
 * a native app gets whatever free port it can.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const LOOPBACK_IP_LITERALS = new Set(["127.0.0.1", "[::1]"]);

export type RedirectUriProblem = string;

/** Why a redirect URI cannot be registered, or null when it can. */
export function redirectUriProblem(uri: string): RedirectUriProblem | null {
  if (uri.length > 2000) return "is too long";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI";
  }
  if (url.hash || uri.includes("#")) return "must not contain a fragment";
  if (url.username || url.password) return "must not contain credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:") return LOOPBACK_HOSTS.has(url.hostname) ? null : "may use http only on a loopback host";
  const scheme = url.protocol.slice(0, -1);
  if (["javascript", "data", "file", "vbscript", "blob", "about", "ws", "wss"].includes(scheme))
    return `may not use the ${scheme} scheme`;
  // RFC 8252 §7.1: private-use schemes are reverse domain names the app controls.
  return scheme.includes(".") ? null : "must be https, http on a loopback host, or a reverse-domain private-use scheme";
}

/** A redirect URI that any program on the person's machine could listen on: the console warns about such clients. */
export function isLocalRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/** Does the requested redirect URI match one that is registered? */
export function matchesRegisteredRedirect(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let req: URL;
  try {
    req = new URL(requested);
  } catch {
    return false;
  }
  if (req.protocol !== "http:" || !LOOPBACK_IP_LITERALS.has(req.hostname) || requested.includes("#")) return false;
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      return (
        reg.protocol === "http:" &&
        reg.hostname === req.hostname &&
        reg.pathname === req.pathname &&
        reg.search === req.search
      );
    } catch {
      return false;
    }
  });
}

export const splitRedirectUris = (stored: string | null | undefined): string[] =>
  stored ? stored.split(" ").filter(Boolean) : [];
