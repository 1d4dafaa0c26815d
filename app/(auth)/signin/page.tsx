import { redirect } from "next/navigation";
import { ProductMark } from "@/components/console/product-mark";
import { Button } from "@/components/ui/button";
import { getPrincipal } from "@/app/_server/principal";
import { ssoEnabled, ssoLabel } from "@/app/_server/auth";
import { signInWithSso } from "../actions";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Mandate" };

const NOTICES: Record<string, string> = {
  everywhere: "You are signed out on every device.",
  no_console_access: "Your account has no console role. Ask a Mandate admin to grant you one.",
  unknown_person: "Your SSO account is not known to Mandate.",
  deactivated: "Your account is deactivated.",
  email_unverified: "Your identity provider did not verify your email address.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl =
    params.callbackUrl?.startsWith("/") && !params.callbackUrl.startsWith("//") ? params.callbackUrl : "/";
  if (await getPrincipal()) redirect(callbackUrl);
  const authorizing = callbackUrl.startsWith("/authorize/");
  const notice =
    NOTICES[params.signedOut ?? ""] ??
    NOTICES[params.code ?? ""] ??
    (params.error ? "Sign-in failed. Try again." : null);

  return (
    <main className="grid min-h-dvh place-items-center bg-muted/40 px-4">
      <div className="w-full max-w-sm rounded-xl border bg-card p-8 shadow-sm">
        <ProductMark />
        <h1 className="mt-6 text-xl font-semibold tracking-tight">
          {authorizing ? "Sign in to continue" : "Sign in to the console"}
        </h1>
        <p className="mt-1 text-sm text-muted-foreground">
          {authorizing
            ? "An app asks to use your organisation's MCP servers for you."
            : "Define, mint, enforce, review and revoke agent access."}
        </p>
        {notice ? (
          <p data-testid="signin-notice" className="mt-4 rounded-md border bg-muted px-3 py-2 text-sm">
            {notice}
          </p>
        ) : null}
        {ssoEnabled ? (
          <form action={signInWithSso} className="mt-6">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <Button type="submit" className="w-full" data-testid="sso-sign-in">
              Continue with {ssoLabel}
            </Button>
            <p className="my-4 text-center text-xs uppercase tracking-wider text-muted-foreground">
              or a local account
            </p>
          </form>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
