import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { AlertTriangle } from "lucide-react";
import { ProductMark } from "@/components/console/product-mark";
import { RiskBadge } from "@/components/console/risk-badge";
import { Button } from "@/components/ui/button";
import { getDb } from "@/lib/db/client";
import {
  AuthorizationUnavailable,
  bindPerson,
  decideConsent,
  loadAuthorization,
  refuseAuthorization,
  type AuthorizationView,
} from "@/lib/interactive/consent";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { getSignedInPerson } from "@/app/_server/signed-in-person";
import { signInAgainForAuthorization } from "../actions";
import { ConsentButtons } from "./consent-buttons";

export const dynamic = "force-dynamic";
export const metadata = { title: "Authorize an app · Mandate" };

function Shell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="grid min-h-dvh place-items-center bg-muted/40 px-4 py-8">
      <div className="w-full max-w-lg rounded-xl border bg-card p-8 shadow-sm">
        <ProductMark />
        <h1 className="mt-6 text-xl font-semibold tracking-tight">{title}</h1>
        {children}
      </div>
    </main>
  );
}

function Notice({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <p data-testid={testId} className="mt-3 text-sm text-muted-foreground">
      {children}
    </p>
  );
}

function ClientFacts({ view }: { view: AuthorizationView }) {
  const { client } = view;
  return (
    <div className="mt-4 rounded-lg border bg-muted/30 p-4 text-sm">
      <p className="font-medium" data-testid="consent-client">
        {client.name}
      </p>
      <p className="mt-1 break-all text-xs text-muted-foreground">
        {client.registration === "cimd"
          ? `Identified by ${client.clientId}`
          : `Registered dynamically as ${client.clientId} (not verified by a domain)`}
      </p>
      <p className="mt-1 break-all text-xs text-muted-foreground">Returns you to {view.client.redirectHost}</p>
      {client.localRedirect ? (
        <p
          data-testid="consent-local-warning"
          className="mt-3 flex gap-2 rounded-md border border-warning/30 bg-warning/15 px-3 py-2 text-xs"
        >
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          This app receives the sign-in on your own computer (a localhost address): any program running there could pose
          as it. Continue only if you started this sign-in yourself from {client.name}.
        </p>
      ) : null}
    </div>
  );
}

/**
 * The one consent-by-policy screen of an interactive MCP client's
 * authorization: who is signing in, which client, which server and which of
 * its tools the enterprise allows this client to use for this person —
 * decided by entitlements, with no per-tool choices. The code is issued only
 * when the person continues; the console sign-in itself never becomes an MCP
 * token.
 */
export default async function AuthorizePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = getDb();
  const view = await loadAuthorization(db, id);
  if (!view) {
    return (
      <Shell title="This sign-in link is not valid">
        <Notice testId="authorize-invalid">Start again from the app you were using.</Notice>
      </Shell>
    );
  }
  if (view.status === "expired") {
    return (
      <Shell title="This sign-in took too long">
        <Notice testId="authorize-expired">Start again from {view.client.name}.</Notice>
      </Shell>
    );
  }
  if (view.status === "issued" || view.status === "redeemed") {
    return (
      <Shell title="Already done">
        <Notice testId="authorize-used">This authorization was completed. Return to {view.client.name}.</Notice>
      </Shell>
    );
  }

  const person = await getSignedInPerson();
  if (!person) redirect(`/signin?callbackUrl=${encodeURIComponent(`/authorize/${id}`)}`);
  const signIn = { userId: person.userId, email: person.email, signedInAt: person.signedInAt };
  try {
    if (view.status === "pending") await bindPerson(db, id, signIn);
    else if (view.userId !== person.userId)
      throw new AuthorizationUnavailable("This sign-in link was opened by someone else; start again from the app");
  } catch (e) {
    if (!(e instanceof AuthorizationUnavailable)) throw e;
    return (
      <Shell title="This sign-in link is not yours">
        <Notice testId="authorize-not-yours">{e.message}</Notice>
      </Shell>
    );
  }

  const serverName = view.server?.name ?? "an MCP server";
  if (view.status === "refused") {
    return (
      <Shell title={`${view.client.name} cannot use ${serverName} for you`}>
        <Notice testId="authorize-refused">{view.refusedReason ?? "This authorization was refused."}</Notice>
      </Shell>
    );
  }

  const consent = await decideConsent(db, view, signIn);
  if (!consent.ok && consent.reason === "reauthenticate") {
    return (
      <Shell title="Sign in again to continue">
        <Notice testId="authorize-reauth">
          {serverName} asks that you have signed in within the last {Math.round(consent.intervalSeconds / 60)} minutes.
        </Notice>
        <form action={signInAgainForAuthorization} className="mt-6">
          <input type="hidden" name="id" value={id} />
          <Button type="submit" className="w-full" data-testid="authorize-sign-in-again">
            Sign in again
          </Button>
        </form>
      </Shell>
    );
  }
  if (!consent.ok) {
    // Audited once, then the client hears access_denied at its redirect URI when the person goes back.
    const back = await refuseAuthorization(db, id, signIn, issuerFromEnv(), {
      error: "access_denied",
      description: `no access: ${consent.description}`,
    });
    return (
      <Shell title={`You have no access to ${serverName} through ${view.client.name}`}>
        <Notice testId="authorize-no-access">
          Your organisation has not granted {view.client.name} access to {serverName} for you ({consent.description}).
          Ask your Mandate administrator if you need it.
        </Notice>
        <Button asChild variant="outline" className="mt-6 w-full">
          <a href={back.redirectTo} data-testid="authorize-return">
            Return to {view.client.name}
          </a>
        </Button>
      </Shell>
    );
  }

  return (
    <Shell title={`${view.client.name} wants to use ${serverName} for you`}>
      <p className="mt-2 text-sm text-muted-foreground">
        Signed in as{" "}
        <span className="font-medium text-foreground" data-testid="consent-person">
          {person.displayName} ({person.email})
        </span>
      </p>
      <ClientFacts view={view} />
      <section className="mt-5" aria-labelledby="consent-tools">
        <h2 id="consent-tools" className="text-sm font-medium">
          What your organisation allows it to do on {serverName} ({consent.tools.length}{" "}
          {consent.tools.length === 1 ? "tool" : "tools"})
        </h2>
        <ul className="mt-2 max-h-64 divide-y overflow-y-auto rounded-lg border text-sm" data-testid="consent-tools">
          {consent.tools.map((t) => (
            <li key={`${t.name}:${t.scope}`} className="flex items-center justify-between gap-3 px-3 py-2">
              <span className="truncate font-mono text-xs">{t.name}</span>
              <RiskBadge risk={t.risk} />
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-muted-foreground">
          Set by your organisation&apos;s policy, not chosen here. Access lasts at most{" "}
          {Math.round(consent.decision.maxSessionSeconds / 3600) || "<1"} h
          {consent.decision.reauthIntervalSeconds
            ? `, with a new sign-in every ${Math.round(consent.decision.reauthIntervalSeconds / 60)} min`
            : ""}
          , and ends when an administrator revokes it.
        </p>
      </section>
      <ConsentButtons id={id} clientName={view.client.name} />
    </Shell>
  );
}
