import type { SummaryFigures, SummaryRow } from '#domain/work-summary';
import { workSummary } from '#domain/work-summary';
import { startOfShanghaiDay } from '#domain/shanghai-time';
import type { CaseStore, CaseSummary } from '#store/case-store';

export interface SummaryQuery {
  /** First Shanghai date of the period (inclusive). */
  from?: string;
  /** Last Shanghai date of the period (inclusive). */
  to?: string;
  subdistrict?: string;
  community?: string;
}

export interface WorkSummaryReport {
  period: { from: string | null; to: string | null; timeZone: 'Asia/Shanghai' };
  generatedAt: string;
  rows: SummaryRow[];
  total: SummaryFigures;
  /** How many cases were read to answer: only the period's cases in the asked areas, never all. */
  casesRead: number;
}

/**
 * The work-summary report for the cases reported in a period. It reads only the cases of the asked
 * sub-districts reported in the period, through the area index — never every case ever stored.
 */
export async function buildWorkSummary(
  store: CaseStore,
  request: SummaryQuery,
  now: Date,
  mayRead: (subdistrict: string) => boolean = () => true,
): Promise<WorkSummaryReport> {
  const from = request.from ? startOfShanghaiDay(request.from).toISOString() : undefined;
  // `to` is inclusive for people; the index range is half-open, so end at the start of the next day.
  const to = request.to ? new Date(startOfShanghaiDay(request.to).getTime() + 86_400_000).toISOString() : undefined;
  const named = request.subdistrict
    ? [request.subdistrict]
    : [...new Set((await store.listAreas()).map((a) => a.subdistrict))];
  const subdistricts = named.filter(mayRead);
  const cases: CaseSummary[] = [];
  for (const subdistrict of subdistricts) {
    let cursor: string | undefined;
    do {
      const page = await store.listByArea(subdistrict, { community: request.community, from, to, limit: 500, cursor });
      cases.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  const { rows, total } = workSummary(cases, now);
  return {
    period: { from: request.from ?? null, to: request.to ?? null, timeZone: 'Asia/Shanghai' },
    generatedAt: now.toISOString(),
    rows,
    total,
    casesRead: cases.length,
  };
}
