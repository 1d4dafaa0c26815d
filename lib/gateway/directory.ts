import type { Db } from "@/lib/db/client";
import { pinnedDefinitionHash } from "@/lib/servers/tool-definition";
import { openUpstreamCredential } from "@/lib/servers/upstream-credential";

export interface GatewayTool {
  id: string;
  name: string;
  scope: string;
  risk: string;
  approved: boolean;
  /** The definition hash approval pinned (lib/servers/tool-definition.ts); null unless approved. */
  pinnedHash?: string | null;
  /** Its definition changed after approval and waits for an admin (the approval is withdrawn). */
  changedSinceApproval?: boolean;
}

/** One gateway-mode server as the request path needs it. */
export interface GatewayServer {
  id: string;
  name: string;
  slug: string;
  resourceUri: string;
  upstreamUrl: URL;
  /** Opened upstream credential, sent as `Authorization: Bearer …`; null when none is configured. */
  credential: string | null;
  argumentLogging: "none" | "hash" | "redacted";
  tools: ReadonlyMap<string, GatewayTool>;
  /** Scopes of the approved tools, sorted (RFC 9728 `scopes_supported`). */
  scopes: readonly string[];
}

/**
 * Gateway-mode servers by slug, read from the store at most every `ttlMs`
 * (approvals and upstream changes apply within that interval) so a request
 * costs no query. Unknown slugs are remembered too, so probing paths does not
 * reach the database each time.
 *
 * An entry that expired less than one interval ago still answers while one
 * read refreshes it: otherwise every call arriving during that read waits on
 * the store, a latency spike on every busy server each interval. A change
 * therefore applies within the interval plus one read; an entry older than
 * two intervals (an idle server) is read before it is used.
 */
export class GatewayDirectory {
  private readonly entries = new Map<
    string,
    { server: GatewayServer | null; until: number; loading?: Promise<GatewayServer | null> }
  >();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  async bySlug(slug: string, now = Date.now()): Promise<GatewayServer | null> {
    const entry = this.entries.get(slug);
    if (entry && entry.until > now) return entry.server;
    const loading = entry?.loading ?? this.reload(slug, entry);
    if (entry && entry.until > 0 && now - entry.until < this.ttlMs) {
      loading.catch(() => {}); // a failed refresh drops the entry: the next call reads (and fails) for itself
      return entry.server;
    }
    return loading;
  }

  private reload(
    slug: string,
    stale: { server: GatewayServer | null; until: number } | undefined,
  ): Promise<GatewayServer | null> {
    const loading = this.load(slug).then(
      (server) => {
        if (this.entries.size > 10_000) this.entries.clear();
        this.entries.set(slug, { server, until: Date.now() + this.ttlMs });
        return server;
      },
      (e: unknown) => {
        this.entries.delete(slug);
        throw e;
      },
    );
    this.entries.set(slug, { server: stale?.server ?? null, until: stale?.until ?? 0, loading });
    return loading;
  }

  /** Forget everything: the next request re-reads (tests; a console change in this process). */
  invalidate(): void {
    this.entries.clear();
  }

  private async load(slug: string): Promise<GatewayServer | null> {
    const row = await this.db.mcpServer.findUnique({
      where: { slug },
      select: {
        id: true,
        name: true,
        slug: true,
        resourceUri: true,
        enforcementMode: true,
        upstreamUrl: true,
        upstreamCredentialEnc: true,
        argumentLogging: true,
        tools: {
          select: {
            id: true,
            name: true,
            scope: true,
            risk: true,
            status: true,
            description: true,
            inputSchema: true,
            approvedDefinitionHash: true,
            definitionChangedAt: true,
          },
        },
      },
    });
    if (!row || row.enforcementMode !== "gateway" || !row.upstreamUrl) return null;
    let upstreamUrl: URL;
    try {
      upstreamUrl = new URL(row.upstreamUrl);
    } catch {
      return null;
    }
    const tools = new Map<string, GatewayTool>(
      row.tools.map((t) => [
        t.name,
        {
          id: t.id,
          name: t.name,
          scope: t.scope,
          risk: t.risk,
          approved: t.status === "approved",
          pinnedHash:
            t.status === "approved"
              ? pinnedDefinitionHash({
                  name: t.name,
                  description: t.description,
                  inputSchema: t.inputSchema,
                  approvedDefinitionHash: t.approvedDefinitionHash,
                })
              : null,
          changedSinceApproval: t.status === "pending" && t.definitionChangedAt !== null,
        },
      ]),
    );
    const scopes = [...new Set([...tools.values()].filter((t) => t.approved).map((t) => t.scope))].sort();
    return {
      id: row.id,
      name: row.name,
      slug: row.slug,
      resourceUri: row.resourceUri,
      upstreamUrl,
      credential: row.upstreamCredentialEnc ? openUpstreamCredential(row.id, row.upstreamCredentialEnc) : null,
      argumentLogging: row.argumentLogging,
      tools,
      scopes,
    };
  }
}
