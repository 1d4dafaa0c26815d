import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cookies, headers } from "next/headers";
import { getDb } from "@/lib/db/client";
import { authenticateLocal } from "@/lib/auth/local-sign-in";
import { consoleSessionPolicy } from "@/lib/auth/console-session-policy";
import { startConsoleSession } from "@/lib/auth/console-sessions";
import { matchSsoPerson, ssoIdentityOf } from "@/lib/auth/sso-person";
import { pinAuthUrl } from "@/lib/auth/console-url";
import { clientAddressOf } from "./client-address";

class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const oidcIssuer = process.env.MANDATE_OIDC_ISSUER;

/** Set by signInWithSso (app/(auth)/actions.ts): an SSO sign-in to authorize an MCP client needs no console role. */
async function requiresConsoleRole(): Promise<boolean> {
  return (await cookies()).get("mandate-signin-purpose")?.value !== "authorize";
}

/** Enterprise SSO is offered when its issuer and client are configured. */
export const ssoEnabled = Boolean(oidcIssuer && process.env.MANDATE_OIDC_CLIENT_ID);
export const ssoLabel = process.env.MANDATE_OIDC_NAME ?? "Enterprise SSO";

const providers: NextAuthConfig["providers"] = [
  Credentials({
    id: "password",
    name: "Local account",
    credentials: { email: {}, password: {}, purpose: {} },
    async authorize(credentials, request) {
      const clientAddress = clientAddressOf(request.headers);
      // A person without a console role may sign in only to authorize an MCP client: their sign-in never opens the console.
      const requireConsoleRole = credentials.purpose !== "authorize";
      const result = await authenticateLocal(getDb(), {
        email: credentials.email,
        password: credentials.password,
        clientAddress,
        requireConsoleRole,
      });
      if (!result.ok) throw new SignInRefused(result.reason);
      const sid = await startConsoleSession(getDb(), result.userId, {
        clientAddress,
        userAgent: request.headers.get("user-agent"),
        method: "password",
      });
      return { id: result.userId, sid };
    },
  }),
];

if (ssoEnabled) {
  providers.push({
    id: "oidc",
    name: ssoLabel,
    type: "oidc",
    issuer: oidcIssuer,
    clientId: process.env.MANDATE_OIDC_CLIENT_ID,
    clientSecret: process.env.MANDATE_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    checks: ["pkce", "state", "nonce"],
  });
}

// Sign-in callbacks and redirects go to the configured console URL, never to whatever Host a request names.
pinAuthUrl();

export const { handlers, auth, signIn, signOut } = NextAuth({
  // Only consulted when no console URL is configured (a local run): then the Host header is all there is.
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  // The JWT only carries the console session id: every request re-checks the
  // session row (idle timeout, sign out everywhere, roles) in the database.
  session: { strategy: "jwt", maxAge: Math.ceil(consoleSessionPolicy().absoluteLifetimeMs / 1000) },
  pages: { signIn: "/signin", error: "/signin" },
  providers,
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      const match = await matchSsoPerson(getDb(), {
        requireConsoleRole: await requiresConsoleRole(),
        ...ssoIdentityOf(oidcIssuer ?? "", profile),
        clientAddress: clientAddressOf(await headers()),
      });
      return match.ok ? true : `/signin?error=AccessDenied&code=${match.reason}`;
    },
    async jwt({ token, user, account, profile }) {
      if (user && account?.provider === "password") {
        token.sid = (user as { sid?: string }).sid;
      } else if (account?.provider === "oidc") {
        const match = await matchSsoPerson(getDb(), {
          ...ssoIdentityOf(oidcIssuer ?? "", profile),
          clientAddress: null,
          lookupOnly: true,
          requireConsoleRole: await requiresConsoleRole(),
        });
        if (!match.ok) throw new SignInRefused(match.reason);
        const h = await headers();
        token.sid = await startConsoleSession(getDb(), match.userId, {
          clientAddress: clientAddressOf(h),
          userAgent: h.get("user-agent"),
          method: "oidc",
        });
        token.sub = match.userId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, sid: typeof token.sid === "string" ? token.sid : undefined };
    },
  },
});
