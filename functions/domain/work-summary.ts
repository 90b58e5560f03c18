import * as z from 'zod';
import type { CaseStatus } from './vocabulary';

/** What the summary needs of a case: the list indexes carry exactly this. */
export interface SummaryCase {
  status: CaseStatus;
  location: { subdistrict: string; community: string };
  reportedAt: string;
  dueAt?: string;
  milestones: Partial<Record<CaseStatus, string>>;
  areaM2: number;
  areaRemovedM2?: number;
}

export const summaryFiguresSchema = z.object({
  reported: z.number().int(),
  noticesIssued: z.number().int(),
  selfDemolished: z.number().int(),
  enforced: z.number().int(),
  dismissed: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  /** m² removed by self-demolition or enforcement. */
  areaRemovedM2: z.number(),
  /** Median whole days from report to close over the closed cases; null when none closed. */
  medianDaysToClose: z.number().nullable(),
});
export type SummaryFigures = z.infer<typeof summaryFiguresSchema>;

export const summaryRowSchema = summaryFiguresSchema.extend({
  subdistrict: z.string(),
  /** Absent on a sub-district's total row. */
  community: z.string().optional(),
});
export type SummaryRow = z.infer<typeof summaryRowSchema>;

const DAY_MS = 86_400_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}

function figuresOf(cases: readonly SummaryCase[], now: Date): SummaryFigures {
  const nowIso = now.toISOString();
  const open = cases.filter((c) => c.status !== 'CLOSED' && c.status !== 'DISMISSED');
  const removed = cases.filter((c) => c.milestones.SELF_DEMOLISHED || c.milestones.ENFORCED);
  const closeDays = cases
    .filter((c) => c.status === 'CLOSED' && c.milestones.CLOSED)
    .map((c) => (Date.parse(c.milestones.CLOSED!) - Date.parse(c.reportedAt)) / DAY_MS);
  return {
    reported: cases.length,
    noticesIssued: cases.filter((c) => c.milestones.NOTICE_ISSUED).length,
    selfDemolished: cases.filter((c) => c.milestones.SELF_DEMOLISHED).length,
    enforced: cases.filter((c) => c.milestones.ENFORCED).length,
    dismissed: cases.filter((c) => c.status === 'DISMISSED').length,
    open: open.length,
    overdue: open.filter((c) => c.dueAt !== undefined && c.dueAt < nowIso).length,
    areaRemovedM2: Math.round(removed.reduce((sum, c) => sum + (c.areaRemovedM2 ?? c.areaM2), 0) * 100) / 100,
    medianDaysToClose: median(closeDays),
  };
}

/**
 * The figures a sub-district puts in its work summary, for the cases reported in the period: one row per
 * community, one total row per sub-district, and a grand total.
 */
export function workSummary(cases: readonly SummaryCase[], now: Date): { rows: SummaryRow[]; total: SummaryFigures } {
  const bySubdistrict = new Map<string, Map<string, SummaryCase[]>>();
  for (const c of cases) {
    const communities = bySubdistrict.get(c.location.subdistrict) ?? new Map<string, SummaryCase[]>();
    bySubdistrict.set(c.location.subdistrict, communities);
    const list = communities.get(c.location.community) ?? [];
    communities.set(c.location.community, list);
    list.push(c);
  }
  const rows: SummaryRow[] = [];
  for (const [subdistrict, communities] of [...bySubdistrict].sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))) {
    rows.push({ subdistrict, ...figuresOf([...communities.values()].flat(), now) });
    for (const [community, list] of [...communities].sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))) {
      rows.push({ subdistrict, community, ...figuresOf(list, now) });
    }
  }
  return { rows, total: figuresOf(cases, now) };
}
