import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db/client";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { getServer } from "@/lib/servers/get-server";
import { requirePermission } from "@/app/_server/principal";
import { ServerForm } from "../../server-form";

export const metadata: Metadata = { title: "Edit MCP server" };
export const dynamic = "force-dynamic";

export default async function EditServerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("servers.manage");
  const server = await getServer(getDb(), (await params).id);
  if (!server) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${server.name}`}
        description={
          server.enforcementMode === "gateway" ? `Gateway path /mcp/${server.slug} stays as registered.` : undefined
        }
      />
      <ServerForm
        mode="edit"
        serverId={server.id}
        hasUpstreamCredential={server.hasUpstreamCredential}
        issuer={issuerFromEnv()}
        slug={server.slug}
        initial={{
          name: server.name,
          description: server.description ?? "",
          category: server.category ?? "",
          resourceUri: server.resourceUri,
          authorizationServerIssuer: server.authorizationServerIssuer ?? "",
          enforcementMode: server.enforcementMode,
          upstreamUrl: server.upstreamUrl ?? "",
          argumentLogging: server.argumentLogging,
          introspects: server.introspects,
          ownerEmail: server.owner?.email ?? "",
        }}
      />
    </>
  );
}
