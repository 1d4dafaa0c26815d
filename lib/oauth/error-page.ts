import type { OAuthResponse } from "./context";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An authorization error shown to the person (RFC 6749 §4.1.2.1): when the
 * client or its redirect URI cannot be trusted, the error must not be sent
 * to that redirect URI (it would make Mandate an open redirector). The page
 * names the OAuth error code so that a person can quote it to their admin.
 */
export function authorizationErrorPage(
  status: number,
  error: string,
  description: string,
  headline: string,
): OAuthResponse {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(headline)} · Mandate</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f4f5;color:#18181b;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #e4e4e7;border-radius:12px;padding:32px;max-width:32rem;margin:16px}
h1{font-size:1.25rem;margin:0 0 8px}p{line-height:1.5;margin:8px 0}code{background:#f4f4f5;padding:2px 6px;border-radius:4px}</style></head>
<body><main data-testid="authorization-error"><h1>${escapeHtml(headline)}</h1><p>${escapeHtml(description)}</p>
<p>Error: <code data-testid="oauth-error">${escapeHtml(error)}</code></p>
<p>You can close this window. If you think you should have access, ask your Mandate administrator.</p></main></body></html>`;
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      "referrer-policy": "no-referrer",
    },
    body,
  };
}

/** RFC 6749 §4.1.2.1 error response: to the client's (verified) redirect URI, with `state` and RFC 9207 `iss`. */
export function redirectWithError(
  redirectUri: string,
  params: { error: string; description: string; state: string | null; issuer: string },
): OAuthResponse {
  const url = new URL(redirectUri);
  url.searchParams.set("error", params.error);
  url.searchParams.set("error_description", params.description);
  if (params.state !== null) url.searchParams.set("state", params.state);
  url.searchParams.set("iss", params.issuer);
  return {
    status: 303,
    headers: { location: url.toString(), "cache-control": "no-store", "referrer-policy": "no-referrer" },
    body: "",
  };
}
