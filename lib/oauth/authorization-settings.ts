/** Tunables of the authorization code flow (RFC 6749 §4.1, OAuth 2.1, RFC 9700). */
export interface AuthorizationSettings {
  /** How long the person has to sign in and continue after the client sent them (the browser part). */
  requestSeconds: number;
  /** OAuth 2.1 §4.1.2: codes are short-lived (RFC 9700 §4.5: a minute is plenty for a redirect). */
  codeSeconds: number;
}

export function authorizationSettings(env: NodeJS.ProcessEnv = process.env): AuthorizationSettings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    requestSeconds: num("MANDATE_AUTHORIZATION_REQUEST_SECONDS", 600),
    codeSeconds: num("MANDATE_AUTHORIZATION_CODE_SECONDS", 60),
  };
}

/** Scope values that name no tool: OpenID Connect's and OAuth's own. Ignored when deciding tool scopes. */
export const NON_TOOL_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** The tool scopes a request asks for (none: everything policy allows). */
export function requestedToolScopes(scope: string | null | undefined): string[] {
  return scope ? [...new Set(scope.split(" ").filter((s) => s !== "" && !NON_TOOL_SCOPES.has(s)))] : [];
}
