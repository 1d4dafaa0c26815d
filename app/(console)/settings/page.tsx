import type { Metadata } from "next";
import { AppWindow, Database, History, Info } from "lucide-react";
import type { ReactNode } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { auditRetentionDays } from "@/lib/audit/retention";
import { can } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import packageJson from "@/package.json";
import { requirePermission } from "@/app/_server/principal";
import { AuditRetentionForm } from "./audit-retention-form";
import { InteractiveClientsForm } from "./interactive-clients-form";
import { registrationPolicy } from "@/lib/interactive/registration-policy";
import { SettingsNav } from "./settings-nav";

export const metadata: Metadata = { title: "Settings" };
// The database in use is read from the environment at request time, not baked in at build time.
export const dynamic = "force-dynamic";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="grid gap-1 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="break-all font-mono text-sm" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default async function SettingsPage() {
  const principal = await requirePermission("settings.view");
  const config = resolveDatabaseConfig();
  const [retentionDays, clients] = await Promise.all([auditRetentionDays(getDb()), registrationPolicy(getDb())]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="How this Mandate instance is set up. Configuration options will follow."
      />
      <SettingsNav />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <Database className="size-4 text-muted-foreground" aria-hidden />
              Database
            </CardTitle>
            <CardDescription>Chosen by DATABASE_URL: an SQLite file by default, or PostgreSQL.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              <Fact label="Provider">{config.provider === "sqlite" ? "SQLite" : "PostgreSQL"}</Fact>
              <Fact label="Location" testId="settings-database">
                {describeDatabase(config)}
              </Fact>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <Info className="size-4 text-muted-foreground" aria-hidden />
              About
            </CardTitle>
            <CardDescription>The build serving this console.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              <Fact label="Version" testId="settings-version">
                {packageJson.version}
              </Fact>
              <Fact label="License">{packageJson.license}</Fact>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <History className="size-4 text-muted-foreground" aria-hidden />
              Audit retention
            </CardTitle>
            <CardDescription>
              Older events are removed by the retention job (every 6 hours, or `npm run mandate -- audit retention`),
              which records what it removed as an audit event of its own; the hash chain still verifies from the oldest
              kept event.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <AuditRetentionForm retentionDays={retentionDays} canManage={can(principal, "settings.manage")} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <AppWindow className="size-4 text-muted-foreground" aria-hidden />
              Interactive clients
            </CardTitle>
            <CardDescription>
              MCP clients people sign in to (authorization code + PKCE). A client identified by a metadata document is
              registered on first use and waits for an admin&apos;s approval on the Agents page.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <InteractiveClientsForm policy={clients} canManage={can(principal, "settings.manage")} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
