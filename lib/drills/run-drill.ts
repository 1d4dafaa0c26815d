import type { Db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { actorOf, personOf, type Principal } from "@/lib/auth/principal";
import { enforcementPathOf, type EnforcementPath } from "@/lib/coverage/enforcement-path";
import { DomainError } from "@/lib/errors/domain-error";
import { liveInstances, INSTANCE_GONE_AFTER_MS } from "@/lib/gateway/instances";
import { timeOrderedId } from "@/lib/ids/time-ordered-id";
import type { OAuthContext } from "@/lib/oauth/context";
import { SecurityEventDeliveryWorker } from "@/lib/security-events/delivery-worker";
import { revokeLiveSessionsIn, revokingTransaction } from "@/lib/sessions/revoke-live-sessions";
import { inspectToken } from "@/lib/tokens/inspect-token";
import { mintCanary, type Canary } from "./mint-canary";
import { probeMcp, type ProbeOutcome } from "./probe";
import { drillSettings, type DrillSettings } from "./drill-settings";
import type { DrillPoint, DrillReport } from "./drill-result";

export type DrillTrigger = "console" | "cli" | "schedule" | "api";

interface DrilledServer {
  id: string;
  name: string;
  slug: string;
  resourceUri: string;
  enforcementMode: "gateway" | "native";
  authorizationServerIssuer: string | null;
  introspects: boolean;
  receivers: { id: string; name: string; url: string }[];
}

/** One enforcement point being measured: how to ask it, and what it answered before the revocation. */
interface Probe {
  kind: DrillPoint["kind"];
  label: string;
  instanceId?: string;
  receiverId?: string;
  /** Once: has the revocation taken effect here? A string says why not yet (the last thing seen). */
  check(): Promise<
    { refused: true; detail: string; at?: number } | { refused: false; detail: string; final?: boolean }
  >;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(o: ProbeOutcome): string {
  return o.kind === "accepted"
    ? `accepted (HTTP ${o.status})`
    : `${o.kind === "refused" ? "refused" : "not reachable"}: ${o.why}`;
}

/**
 * Runs a revocation drill on each server named (all registered servers for
 * "all"), one after another, and returns the reports in the same order.
 */
export async function runDrills(
  ctx: OAuthContext,
  actor: Principal,
  input: { serverIds: string[] | "all"; trigger: DrillTrigger },
  settings: DrillSettings = drillSettings(),
): Promise<DrillReport[]> {
  const ids =
    input.serverIds === "all"
      ? (await ctx.db.mcpServer.findMany({ orderBy: { name: "asc" }, select: { id: true } })).map((s) => s.id)
      : [...new Set(input.serverIds)];
  if (ids.length === 0)
    throw new DomainError(
      "invalid",
      input.serverIds === "all" ? "No MCP server is registered" : "Choose at least one server",
    );
  const reports: DrillReport[] = [];
  for (const id of ids) reports.push(await runDrill(ctx, actor, id, input.trigger, settings));
  return reports;
}

/**
 * One revocation drill on one server, through the paths real sessions take:
 *  1. a canary token for the drill agent, minted by the client_credentials
 *     grant's own code with no scope and no tools (lib/drills/mint-canary.ts);
 *  2. proof that each enforcement point accepts it (a gateway instance or the
 *     native server answers its tools/list; introspection says active);
 *  3. its session revoked through the one revocation path
 *     (revokeLiveSessionsIn: audit, revocation log, NOTIFY, CAEP outbox, bus),
 *     with a where-clause that can match only the canary's own session;
 *  4. each point probed until it refuses, timed from the revocation request:
 *     every gateway instance at its own address (each answers with its own id),
 *     and for a native server introspection, each CAEP receiver's
 *     acknowledgement and a probe call to the server itself.
 * The result is stored with its audit event in one transaction: `drill.passed`,
 * or `drill.failed` (decision deny — the alert a SIEM pages on) when a point
 * did not refuse within the target or could not be measured.
 */
export async function runDrill(
  ctx: OAuthContext,
  actor: Principal,
  serverId: string,
  trigger: DrillTrigger,
  settings: DrillSettings = drillSettings(),
): Promise<DrillReport> {
  const { db } = ctx;
  const row = await db.mcpServer.findUnique({
    where: { id: serverId },
    select: {
      id: true,
      name: true,
      slug: true,
      resourceUri: true,
      enforcementMode: true,
      authorizationServerIssuer: true,
      introspects: true,
      receivers: {
        where: { enabled: true },
        select: { id: true, name: true, url: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!row) throw new DomainError("not_found", "No such MCP server");
  const server: DrilledServer = row;
  const path = enforcementPathOf(server, server.receivers.length);
  const drillId = timeOrderedId();
  const startedAt = new Date();
  const base = {
    id: drillId,
    serverId: server.id,
    serverName: server.name,
    enforcementPath: path,
    trigger,
    requestedBy: personOf(actor) ?? actorOf(actor).actorLabel,
    startedAt,
    targetMs: settings.targetMs,
  };

  let canary: Canary;
  try {
    canary = await mintCanary(ctx, server, startedAt);
  } catch (e) {
    return store(
      db,
      actor,
      { ...base, revokedAt: null, finishedAt: new Date(), results: [] },
      {
        problems: [`The canary token could not be minted: ${e instanceof Error ? e.message : String(e)}`],
        remarks: [],
      },
    );
  }

  const results: DrillPoint[] = [];
  /** Problems fail the drill; remarks only explain it. */
  const notes: Notes = { problems: [], remarks: [] };
  let revokedAt: Date | null = null;
  try {
    const probes = await proveAccepted(ctx, server, path, canary, results, notes);
    const t0 = Date.now();
    revokedAt = new Date(t0);
    await revokingTransaction(db, (tx) =>
      revokeLiveSessionsIn(
        tx,
        actor,
        { id: canary.sessionId, agentId: canary.agentId },
        {
          reason: `Revocation drill ${drillId}: canary on ${server.name}`,
          now: revokedAt!,
          operation: { kind: "drill", drillId },
        },
      ),
    );
    if (path === "native_caep") {
      // The outbox is delivered by any instance's worker within its poll; one pass now, as that worker would
      // (deliveries are leased, so nothing is pushed twice), times the push itself rather than the poll.
      void new SecurityEventDeliveryWorker(db, { keys: ctx.keys, issuer: () => ctx.issuer })
        .deliverDue()
        .catch(() => 0);
    }
    results.push(...(await Promise.all(probes.map((p) => measure(p, t0, settings)))));
  } catch (e) {
    notes.problems.push(`The drill stopped: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (!revokedAt) {
      // Never leave a canary alive, whatever failed.
      revokedAt = new Date();
      await revokingTransaction(db, (tx) =>
        revokeLiveSessionsIn(
          tx,
          actor,
          { id: canary.sessionId, agentId: canary.agentId },
          {
            reason: `Revocation drill ${drillId}: canary on ${server.name} (drill stopped)`,
            now: revokedAt!,
            operation: { kind: "drill", drillId },
          },
        ),
      ).catch(() => []);
    }
  }
  if (path === "native_jwt_only") {
    results.push({
      kind: "token_expiry",
      label: "token lifetime",
      ok: false,
      ms: null,
      detail: `${server.name} trusts Mandate's JWTs only: a revoked token keeps working until it expires, up to ${ctx.settings.accessTokenMaxSeconds} s. Give it a CAEP receiver, have it introspect, or put it behind the gateway.`,
    });
  }
  const acknowledged = results.some((r) => r.kind === "caep_receiver" && r.ok);
  for (const r of results) {
    if (r.kind === "native_probe" && !r.ok && r.ms === null && acknowledged) {
      r.detail = `${server.name} still accepted the revoked canary after its CAEP receiver acknowledged the session-revoked event: it does not honour CAEP (${r.detail}).`;
    }
  }
  return store(db, actor, { ...base, revokedAt, finishedAt: new Date(), results }, notes);
}

interface Notes {
  problems: string[];
  remarks: string[];
}

/** Step 2: the points to measure, each shown to accept the canary first (a point that never did cannot prove a refusal). */
async function proveAccepted(
  ctx: OAuthContext,
  server: DrilledServer,
  path: EnforcementPath,
  canary: Canary,
  results: DrillPoint[],
  notes: Notes,
): Promise<Probe[]> {
  const probes: Probe[] = [];
  const failedBefore = (p: Omit<DrillPoint, "ok" | "ms" | "detail">, why: string) =>
    results.push({
      ...p,
      ok: false,
      ms: null,
      detail: `The canary was not accepted before the revocation (${why}): nothing could be measured here.`,
    });

  if (path === "gateway") {
    const instances = await liveInstances(ctx.db);
    if (instances.length === 0) {
      notes.problems.push(
        `No gateway instance has reported in the last ${INSTANCE_GONE_AFTER_MS / 1000} s: start the server, or set MANDATE_INSTANCE_URL so instances can be reached.`,
      );
    }
    for (const instance of instances) {
      const url = `${instance.url}/mcp/${encodeURIComponent(server.slug)}`;
      const label = `gateway instance ${instance.id.slice(0, 8)} at ${instance.url}`;
      const point = { kind: "gateway_instance" as const, label, instanceId: instance.id };
      const before = await probeMcp(url, canary.token, { gateway: true });
      if (before.kind !== "accepted") {
        failedBefore(point, describe(before));
        continue;
      }
      if (before.instanceId !== instance.id) {
        failedBefore(
          point,
          `another instance answered at its address (${before.instanceId ?? "no Mandate-Instance header"})`,
        );
        continue;
      }
      probes.push({
        ...point,
        async check() {
          const o = await probeMcp(url, canary.token, { gateway: true });
          if (o.instanceId !== null && o.instanceId !== instance.id)
            return { refused: false, detail: `another instance answered (${o.instanceId})` };
          return o.kind === "refused"
            ? { refused: true, detail: `refused: ${o.why}` }
            : { refused: false, detail: o.kind === "accepted" ? "still accepted" : describe(o) };
        },
      });
    }
    return probes;
  }

  // Native: Mandate's own introspection answer, as a server that introspects sees it.
  const introspection = { kind: "introspection" as const, label: "token introspection (RFC 7662)" };
  const state = await inspectToken(ctx, canary.token, new Date());
  if (!state.active) failedBefore(introspection, `introspection said inactive: ${state.reason}`);
  else {
    probes.push({
      ...introspection,
      async check() {
        const s = await inspectToken(ctx, canary.token, new Date());
        return s.active
          ? { refused: false, detail: "still active" }
          : { refused: true, detail: `inactive: ${s.reason}` };
      },
    });
  }

  for (const receiver of path === "native_caep" ? server.receivers : []) {
    probes.push({
      kind: "caep_receiver",
      label: `CAEP receiver ${receiver.name} (${receiver.url})`,
      receiverId: receiver.id,
      async check() {
        const d = await ctx.db.securityEventDelivery.findFirst({
          where: { receiverId: receiver.id, sessionId: canary.sessionId },
          select: { status: true, deliveredAt: true, lastHttpStatus: true, lastError: true, attempts: true },
        });
        if (!d) return { refused: false, detail: "no session-revoked event was queued for this receiver" };
        if (d.status === "delivered" && d.deliveredAt)
          return {
            refused: true,
            detail: `acknowledged (HTTP ${d.lastHttpStatus ?? "2xx"})`,
            at: d.deliveredAt.getTime(),
          };
        const last = d.lastError ? `; last attempt: ${d.lastError}` : "";
        if (d.status === "failed")
          return {
            refused: false,
            final: true,
            detail: `the receiver did not accept the session-revoked event after ${d.attempts} attempt(s)${last}`,
          };
        return {
          refused: false,
          detail: `the session-revoked event was not acknowledged (${d.attempts} attempt(s)${last})`,
        };
      },
    });
  }

  // The server itself: called with the canary at its resource URI (its MCP endpoint).
  const native = { kind: "native_probe" as const, label: `${server.name} at ${server.resourceUri}` };
  const before = await probeMcp(server.resourceUri, canary.token);
  if (before.kind === "accepted") {
    probes.push({
      ...native,
      async check() {
        const o = await probeMcp(server.resourceUri, canary.token);
        return o.kind === "refused"
          ? { refused: true, detail: `refused: ${o.why}` }
          : { refused: false, detail: `the revoked canary was ${describe(o)}` };
      },
    });
  } else if (path === "native_jwt_only") {
    notes.remarks.push(`${server.name} could not be probed at ${server.resourceUri} (${describe(before)}).`);
  } else {
    notes.remarks.push(
      `${server.name} itself could not be probed at ${server.resourceUri} (${describe(before)}): only Mandate's side of its revocation signal was measured.`,
    );
  }
  return probes;
}

/** Step 4 for one point: probe until it refuses or the drill's time is up. */
async function measure(p: Probe, t0: number, settings: DrillSettings): Promise<DrillPoint> {
  const { check: _check, ...point } = p;
  const deadline = t0 + settings.timeoutMs;
  let last = "not probed";
  for (;;) {
    let seen: Awaited<ReturnType<Probe["check"]>>;
    try {
      seen = await p.check();
    } catch (e) {
      seen = { refused: false, detail: e instanceof Error ? e.message : String(e) };
    }
    const now = Date.now();
    if (seen.refused) {
      const ms = Math.max(0, (seen.at ?? now) - t0);
      const ok = ms <= settings.targetMs;
      return {
        ...point,
        ok,
        ms,
        detail: ok ? seen.detail : `${seen.detail}, after ${ms} ms: slower than the ${settings.targetMs} ms target`,
      };
    }
    last = seen.detail;
    if (seen.final || now >= deadline) break;
    await sleep(settings.probeEveryMs);
  }
  const waited = Math.round((Date.now() - t0) / 100) / 10;
  return { ...point, ok: false, ms: null, detail: `not refused after ${waited} s: ${last}` };
}

/** Judges the drill and stores it with its audit event, in one transaction. */
async function store(
  db: Db,
  actor: Principal,
  d: Omit<DrillReport, "outcome" | "slowestMs" | "reason">,
  notes: Notes,
): Promise<DrillReport> {
  const failing = d.results.filter((r) => !r.ok);
  const passed = d.results.length > 0 && failing.length === 0 && notes.problems.length === 0;
  const times = d.results.map((r) => r.ms);
  const slowestMs = times.length > 0 && times.every((t): t is number => t !== null) ? Math.max(...times) : null;
  const slowest = d.results.find((r) => r.ms === slowestMs);
  const reason = passed
    ? [
        `Refused at every enforcement point within ${d.targetMs} ms (slowest ${slowestMs} ms: ${slowest?.label}).`,
        ...notes.remarks,
      ].join(" ")
    : [...notes.problems, ...failing.map((r) => `${r.label}: ${r.detail}`), ...notes.remarks].join(" ") ||
      "No enforcement point could be measured.";
  const report: DrillReport = { ...d, outcome: passed ? "passed" : "failed", slowestMs, reason };
  await db.$transaction(async (tx) => {
    await tx.revocationDrill.create({
      data: {
        id: report.id,
        serverId: report.serverId,
        serverName: report.serverName,
        enforcementPath: report.enforcementPath,
        trigger: report.trigger,
        requestedBy: report.requestedBy,
        startedAt: report.startedAt,
        revokedAt: report.revokedAt,
        finishedAt: report.finishedAt,
        targetMs: report.targetMs,
        outcome: report.outcome,
        slowestMs: report.slowestMs,
        reason: report.reason.slice(0, 4000),
        results: report.results as never,
      },
    });
    await recordAudit(tx, {
      action: passed ? "drill.passed" : "drill.failed",
      ...actorOf(actor),
      targetType: "mcp_server",
      targetId: report.serverId,
      targetLabel: report.serverName,
      decision: passed ? "allow" : "deny",
      reason: report.reason.slice(0, 1000),
      occurredAt: report.finishedAt,
      detail: {
        drill_id: report.id,
        trigger: report.trigger,
        enforcement_path: report.enforcementPath,
        target_ms: report.targetMs,
        slowest_ms: report.slowestMs,
        points: report.results.map((r) => ({
          kind: r.kind,
          label: r.label,
          ok: r.ok,
          ms: r.ms,
          ...(r.instanceId ? { instance: r.instanceId } : {}),
        })),
      },
    });
  });
  return report;
}
