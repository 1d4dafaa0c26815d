import type { Metadata } from "next";
import Form from "next/form";
import { Search } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/principal";
import { CONSOLE_ROLES, ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { findPeople, listRoleHolders } from "@/lib/people/list-people";
import type { SearchParamsRecord } from "@/lib/pagination/keyset";
import { requirePermission } from "@/app/_server/principal";
import { SettingsNav } from "../settings-nav";
import { PeopleTable } from "./people-table";
import { PersonSearchResults } from "./person-search-results";

export const metadata: Metadata = { title: "People & roles" };
export const dynamic = "force-dynamic";

export default async function PeopleSettingsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requirePermission("settings.view");
  const canManage = can(principal, "roles.manage");
  const raw = (await searchParams).find;
  const find = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 200) ?? "";
  const db = getDb();
  const [holders, found] = await Promise.all([
    listRoleHolders(db),
    find ? findPeople(db, find) : Promise.resolve(null),
  ]);

  return (
    <>
      <PageHeader
        title="Settings"
        description="Who can use the console, and with which role. A role change applies on the person's next request."
      />
      <SettingsNav />
      <section aria-labelledby="role-holders" className="grid gap-3">
        <div className="grid gap-1">
          <h2 id="role-holders" className="font-semibold">
            People & roles
          </h2>
          <p className="text-sm text-muted-foreground">
            {CONSOLE_ROLES.map(
              (r) =>
                `${ROLE_LABELS[r]}: ${ROLE_DESCRIPTIONS[r].charAt(0).toLowerCase()}${ROLE_DESCRIPTIONS[r].slice(1)}`,
            ).join(". ")}
            .{canManage ? " Nobody grants themselves a role, and the console always keeps one admin." : null}
          </p>
        </div>
        <PeopleTable rows={holders} canManage={canManage} selfId={principal.userId} />
      </section>

      {canManage ? (
        <Card>
          <CardHeader>
            <CardTitle>Grant a role to someone new</CardTitle>
            <CardDescription>Find anyone in the directory by name or email.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <Form action="/settings/people" role="search" className="flex max-w-lg gap-2">
              <div className="relative flex-1">
                <Search
                  className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
                  aria-hidden
                />
                <Input
                  type="search"
                  name="find"
                  defaultValue={find}
                  placeholder="Name or email"
                  aria-label="Find a person by name or email"
                  className="pl-9"
                  data-testid="find-person"
                />
              </div>
              <Button type="submit" variant="outline">
                Find
              </Button>
            </Form>
            {found ? (
              <PersonSearchResults query={find} people={found} canManage={canManage} selfId={principal.userId} />
            ) : null}
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
