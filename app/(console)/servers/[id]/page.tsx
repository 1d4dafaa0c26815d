import type { Metadata } from "next";
import { Pencil } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { DateTime } from "@/components/console/date-time";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { gatewayResourceUri } from "@/lib/servers/gateway-resource";
import { getServer } from "@/lib/servers/get-server";
import { requirePermission } from "@/app/_server/principal";
import { DeleteServerButton } from "./delete-server-button";
import { SyncToolsButton } from "./sync-tools-button";
import { ToolsTable } from "./tools-table";

export const metadata: Metadata = { title: "MCP server" };
export const dynamic = "force-dynamic";

function Setting({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2.5 sm:grid-cols-[13rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-all text-sm">{children}</dd>
    </div>
  );
}

const none = <span className="text-muted-foreground italic">Not set</span>;

export default async function ServerPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePermission("inventory.view");
  const server = await getServer(getDb(), (await params).id);
  if (!server) notFound();
  const canManage = can(principal, "servers.manage");
  const changedCount = server.tools.filter((t) => t.definitionChanged).length;
  const pendingCount = server.tools.filter((t) => t.status === "pending").length - changedCount;
  const gatewayUrl = gatewayResourceUri(issuerFromEnv(), server.slug);
  // Registered before resource URIs were derived, or under another issuer: MCP clients refuse it until saved again.
  const staleResource = server.enforcementMode === "gateway" && server.resourceUri !== gatewayUrl;

  return (
    <>
      <PageHeader
        title={server.name}
        description={
          server.description ??
          (server.enforcementMode === "gateway"
            ? `Gateway path /mcp/${server.slug}`
            : "Enforces its own tokens (native)")
        }
        actions={
          canManage ? (
            <>
              <SyncToolsButton serverId={server.id} />
              <Button variant="outline" asChild>
                <Link href={`/servers/${server.id}/edit`}>
                  <Pencil aria-hidden />
                  Edit
                </Link>
              </Button>
              <DeleteServerButton server={{ id: server.id, name: server.name, toolCount: server.tools.length }} />
            </>
          ) : null
        }
      />
      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="divide-y" data-testid="server-settings">
            <Setting label="Resource URI">
              <span className="font-mono text-xs">{server.resourceUri}</span>
              {staleResource ? (
                <p data-testid="resource-uri-mismatch" className="mt-1 text-sm text-destructive">
                  Not this server&apos;s gateway URL ({gatewayUrl}): MCP clients refuse its metadata. Edit the server
                  and leave the resource URI empty to use the gateway URL.
                </p>
              ) : null}
            </Setting>
            <Setting label="Enforcement">
              <StatusBadge variant={server.enforcementMode === "gateway" ? "read" : "neutral"}>
                {server.enforcementMode}
              </StatusBadge>
            </Setting>
            {server.enforcementMode === "gateway" ? (
              <Setting label="Upstream URL">
                <span className="font-mono text-xs">{server.upstreamUrl}</span>
              </Setting>
            ) : null}
            <Setting label="Upstream credential">
              {server.hasUpstreamCredential ? <span data-testid="credential-state">Stored, encrypted</span> : none}
            </Setting>
            <Setting label="Authorization server">
              {server.authorizationServerIssuer ? (
                <span className="font-mono text-xs">{server.authorizationServerIssuer}</span>
              ) : (
                none
              )}
            </Setting>
            {/* A native server is called directly: no gateway URL serves it. */}
            {server.enforcementMode === "gateway" ? (
              <Setting label="Gateway URL">
                <span className="font-mono text-xs" data-testid="gateway-url">
                  {gatewayUrl}
                </span>
              </Setting>
            ) : null}
            <Setting label="Argument logging">
              <span className="capitalize">{server.argumentLogging}</span>
            </Setting>
            <Setting label="Owner">
              {server.owner ? `${server.owner.displayName} (${server.owner.email})` : none}
            </Setting>
            <Setting label="Entitlements">{server.entitlementCount}</Setting>
            <Setting label="Tools last synced">
              {server.lastSyncedAt ? <DateTime iso={server.lastSyncedAt} /> : "Never"}
            </Setting>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Tools</CardTitle>
          <CardDescription>
            {pendingCount > 0
              ? `${pendingCount} tool${pendingCount === 1 ? "" : "s"} pending approval: not grantable until approved.`
              : "Only approved tools can be granted by entitlements."}
          </CardDescription>
          {changedCount > 0 ? (
            <p
              role="status"
              data-testid="definition-changes"
              className="rounded-md border border-destructive/40 bg-destructive/5 p-3 text-sm"
            >
              <strong>
                {changedCount} tool{changedCount === 1 ? "" : "s"}: definition changed — pending re-approval.
              </strong>{" "}
              The server changed {changedCount === 1 ? "its" : "their"} description or input schema after approval: the
              gateway hides and refuses {changedCount === 1 ? "it" : "them"} until an admin reviews the change.
            </p>
          ) : null}
        </CardHeader>
        <CardContent>
          <ToolsTable tools={server.tools} canApprove={can(principal, "tools.approve")} />
        </CardContent>
      </Card>
    </>
  );
}
