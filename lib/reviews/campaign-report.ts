import type { Db } from "@/lib/db/client";
import { parseSnapshot } from "./item-snapshot";
import { csvRow } from "@/lib/utils/csv";

export interface ReportRow {
  itemId: string;
  subject: string;
  subjectType: string;
  entitlement: string;
  server: string;
  risk: string;
  tools: string;
  reviewer: string;
  decision: string;
  decidedBy: string;
  decidedAt: string;
  justification: string;
  keptTools: string;
  flagged: string;
  remediation: string;
  remediationDetail: string;
  remediatedAt: string;
}

export const REPORT_COLUMNS: { key: keyof ReportRow; label: string }[] = [
  { key: "itemId", label: "Item" },
  { key: "subject", label: "Subject" },
  { key: "subjectType", label: "Type" },
  { key: "entitlement", label: "Entitlement" },
  { key: "server", label: "Server" },
  { key: "risk", label: "Risk" },
  { key: "tools", label: "Tools at launch" },
  { key: "reviewer", label: "Reviewer" },
  { key: "decision", label: "Decision" },
  { key: "decidedBy", label: "Decided by" },
  { key: "decidedAt", label: "Decided at" },
  { key: "justification", label: "Justification" },
  { key: "keptTools", label: "Kept tools" },
  { key: "flagged", label: "Rubber-stamp flag" },
  { key: "remediation", label: "Remediation" },
  { key: "remediationDetail", label: "Remediation result" },
  { key: "remediatedAt", label: "Remediated at" },
];

/** Who decided what, when, why, and what remediation did — one row per item. */
export async function campaignReport(
  db: Db,
  campaignId: string,
): Promise<{ name: string; status: string; rows: ReportRow[] } | null> {
  const campaign = await db.reviewCampaign.findUnique({
    where: { id: campaignId },
    select: { name: true, status: true },
  });
  if (!campaign) return null;
  const items = await db.reviewItem.findMany({ where: { campaignId }, orderBy: { id: "asc" } });
  const ids = [...new Set(items.flatMap((i) => [i.reviewerId, i.decidedById]).filter((x): x is string => !!x))];
  const emailOf = new Map(
    (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  const rows = items.map((i): ReportRow => {
    const s = parseSnapshot(i.snapshot);
    const kept = new Set(Array.isArray(i.keptToolIds) ? (i.keptToolIds as string[]) : []);
    return {
      itemId: i.id,
      subject: s.principalLabel,
      subjectType: s.principalType,
      entitlement: s.entitlementName,
      server: s.serverName,
      risk: i.risk,
      tools: s.tools.map((t) => t.name).join(" "),
      reviewer: i.reviewerId ? (emailOf.get(i.reviewerId) ?? i.reviewerId) : "",
      decision: i.status === "pending" ? "not reviewed" : i.status,
      decidedBy: i.decidedById ? (emailOf.get(i.decidedById) ?? i.decidedById) : i.decidedAt ? "campaign policy" : "",
      decidedAt: i.decidedAt?.toISOString() ?? "",
      justification: i.justification ?? "",
      keptTools: s.tools
        .filter((t) => kept.has(t.toolId))
        .map((t) => t.name)
        .join(" "),
      flagged: i.rubberStampFlag ? "yes" : "",
      remediation: i.remediationStatus,
      remediationDetail: i.remediationDetail ?? "",
      remediatedAt: i.remediatedAt?.toISOString() ?? "",
    };
  });
  return { name: campaign.name, status: campaign.status, rows };
}

/** RFC 4180 CSV through the one cell writer (lib/utils/csv.ts): formula-like cells are neutralised. */
export function reportCsv(rows: readonly ReportRow[]): string {
  const lines = [
    csvRow(REPORT_COLUMNS.map((c) => c.label)),
    ...rows.map((r) => csvRow(REPORT_COLUMNS.map((c) => r[c.key]))),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
