import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { issuerFromEnv } from "@/lib/oauth/defaults";
import { requirePermission } from "@/app/_server/principal";
import { ServerForm } from "../server-form";

export const metadata: Metadata = { title: "Register MCP server" };
export const dynamic = "force-dynamic";

export default async function NewServerPage() {
  const principal = await requirePermission("servers.manage");
  return (
    <>
      <PageHeader
        title="Register MCP server"
        description="Tell Mandate about a protected resource; then import its tools and approve them."
      />
      <ServerForm
        mode="create"
        issuer={issuerFromEnv()}
        initial={{
          name: "",
          description: "",
          category: "",
          resourceUri: "",
          authorizationServerIssuer: "",
          enforcementMode: "native",
          upstreamUrl: "",
          argumentLogging: "none",
          introspects: false,
          // Whoever registers a server is its likeliest owner; they can name someone else.
          ownerEmail: principal.email,
        }}
      />
    </>
  );
}
