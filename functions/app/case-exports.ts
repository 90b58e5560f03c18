import type { CaseEvent } from '#domain/schemas';
import type { CaseSummary } from '#store/case-store';
import type { QueryDeps } from './context';
import type { CaseListFilter } from './case-queries';
import { makeCaseQueries } from './case-queries';
import type { Viewer } from './case-view';
import { inScope } from './case-view';
import { SubdistrictNotFoundError } from './errors';
import { callDependency } from './dependency-errors';
import { CASE_LIST_COLUMNS, CHRONOLOGY_COLUMNS, csvStream, jsonArrayStream } from './export-formats';
import type { SummaryQuery, WorkSummaryReport } from './work-summary-report';
import { buildWorkSummary } from './work-summary-report';

/** One response of an export: at most `maxRows` rows; `cursor` continues where it stopped. */
export interface ExportChunk {
  contentType: string;
  text: string;
  rows: number;
  cursor?: string;
}

const EXPORT_MAX_ROWS = 5_000;

async function collect(stream: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const part of stream) parts.push(part);
  return parts.join('');
}

/** Exports for auditors and offices, and the work-summary report. Reads only; nothing here writes. */
export function makeCaseExports(deps: QueryDeps) {
  const queries = makeCaseQueries(deps);

  async function exportList(
    viewer: Viewer,
    filter: Omit<CaseListFilter, 'limit'>,
    format: 'csv' | 'json',
    maxRows = EXPORT_MAX_ROWS,
  ): Promise<ExportChunk> {
    let rows = 0;
    let cursor = filter.cursor;
    let more = true;
    async function* pages(): AsyncGenerator<CaseSummary[]> {
      while (more && rows < maxRows) {
        const page = await queries.listCases(viewer, { ...filter, cursor, limit: Math.min(100, maxRows - rows) });
        rows += page.items.length;
        cursor = page.cursor;
        more = Boolean(page.cursor);
        yield page.items;
      }
    }
    const text = await collect(format === 'csv' ? csvStream(CASE_LIST_COLUMNS, pages()) : jsonArrayStream(pages()));
    return {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      text,
      rows,
      cursor: more ? cursor : undefined,
    };
  }

  async function exportChronology(viewer: Viewer, id: string, format: 'csv' | 'json'): Promise<ExportChunk> {
    await queries.getCase(viewer, id);
    let rows = 0;
    async function* pages(): AsyncGenerator<CaseEvent[]> {
      let cursor: string | undefined;
      do {
        const page = await callDependency('database', () => deps.store.history(id, { cursor, limit: 200 }));
        rows += page.items.length;
        cursor = page.cursor;
        yield page.items;
      } while (cursor);
    }
    const text = await collect(format === 'csv' ? csvStream(CHRONOLOGY_COLUMNS, pages()) : jsonArrayStream(pages()));
    return {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      text,
      rows,
    };
  }

  /** The report over the sub-districts the viewer may see: one outside their scope is one without cases. */
  async function summary(viewer: Viewer, request: SummaryQuery): Promise<WorkSummaryReport> {
    if (request.subdistrict && !inScope(viewer, request.subdistrict))
      throw new SubdistrictNotFoundError(request.subdistrict);
    return callDependency('database', () =>
      buildWorkSummary(deps.store, request, deps.clock.now(), (subdistrict) => inScope(viewer, subdistrict)),
    );
  }

  return { exportList, exportChronology, summary };
}
