import type { CaseEvent } from '#domain/schemas';
import type { CaseSummary } from '#store/case-store';
import { randomUUID } from 'node:crypto';
import type { ObjectStore, PresignedRequest } from '#objects/object-store';
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

/** A case's chronology as one answer (a case's history is small enough). */
export interface ExportChunk {
  contentType: string;
  text: string;
  rows: number;
}
/** Cases read per Query of a whole export: a page's summaries are all it holds of the table at a time. */
const WHOLE_EXPORT_PAGE = 500;
/**
 * Above this many bytes an export goes to the object store and the answer is a link: a Lambda response
 * carries at most 6 MB, headers and encoding included.
 */
export const INLINE_EXPORT_MAX_BYTES = 5 * 1024 * 1024;
/** How long an export's download link works. */
export const EXPORT_LINK_SECONDS = 5 * 60;
/** How long an export's object is locked: the bucket's lifecycle removes it after two days. */
const EXPORT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A whole export: in the answer when it fits, else a short-lived link to it in the object store. */
export type WholeExport =
  | { delivery: 'inline'; contentType: string; text: string; rows: number }
  | {
      delivery: 'link';
      link: PresignedRequest;
      rows: number;
      bytes: number;
      sha256: string;
      contentType: string;
      fileName: string;
    };

const contentTypeOf = (format: 'csv' | 'json') =>
  format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';

/**
 * Delivers an export's text as it is produced: held while it fits in an answer; once it outgrows one, what
 * is held and all that follows streams to the object store (never the whole export in memory), and the
 * answer is a link valid `EXPORT_LINK_SECONDS`. The object is locked for a day, then the bucket's
 * lifecycle removes it.
 */
export async function deliverExport(
  text: AsyncIterable<string>,
  options: { objects: ObjectStore; fileName: string; contentType: string; rows: () => number; now: Date },
): Promise<WholeExport> {
  const iterator = text[Symbol.asyncIterator]();
  const held: string[] = [];
  let heldBytes = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done)
      return { delivery: 'inline', contentType: options.contentType, text: held.join(''), rows: options.rows() };
    held.push(next.value);
    heldBytes += Buffer.byteLength(next.value, 'utf8');
    if (heldBytes > INLINE_EXPORT_MAX_BYTES) break;
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    // What was held leaves memory as it is sent.
    for (let part = held.shift(); part !== undefined; part = held.shift()) yield Buffer.from(part, 'utf8');
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield Buffer.from(next.value, 'utf8');
  }
  const key = `exports/${randomUUID()}/${options.fileName}`;
  const stored = await callDependency('object-store', () =>
    options.objects.putStream(key, rest(), {
      contentType: options.contentType,
      retainUntil: new Date(options.now.getTime() + EXPORT_RETENTION_MS),
    }),
  );
  const link = await callDependency('object-store', () =>
    options.objects.presignGet(key, { expiresInSeconds: EXPORT_LINK_SECONDS, fileName: options.fileName }),
  );
  return {
    delivery: 'link',
    link,
    rows: options.rows(),
    bytes: stored.size,
    sha256: stored.sha256,
    contentType: options.contentType,
    fileName: options.fileName,
  };
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const part of stream) parts.push(part);
  return parts.join('');
}

/** Exports for auditors and offices, and the work-summary report. Reads only; nothing here writes. */
export function makeCaseExports(deps: QueryDeps) {
  const queries = makeCaseQueries(deps);

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
    return { contentType: contentTypeOf(format), text, rows };
  }

  /** The report over the sub-districts the viewer may see: one outside their scope is one without cases. */
  async function summary(viewer: Viewer, request: SummaryQuery): Promise<WorkSummaryReport> {
    if (request.subdistrict && !inScope(viewer, request.subdistrict))
      throw new SubdistrictNotFoundError(request.subdistrict);
    return callDependency('database', () =>
      buildWorkSummary(deps.store, request, deps.clock.now(), (subdistrict) => inScope(viewer, subdistrict)),
    );
  }

  /**
   * Every case the filter selects, whatever their number: page by page from the index, delivered by
   * `deliverExport` (in the answer, or through the object store when larger than an answer carries).
   */
  async function exportWhole(
    viewer: Viewer,
    filter: Omit<CaseListFilter, 'limit' | 'cursor'>,
    format: 'csv' | 'json',
    objects: ObjectStore,
  ): Promise<WholeExport> {
    let rows = 0;
    async function* pages(): AsyncGenerator<CaseSummary[]> {
      let cursor: string | undefined;
      do {
        const page = await queries.listCases(viewer, { ...filter, cursor, limit: WHOLE_EXPORT_PAGE });
        rows += page.items.length;
        cursor = page.cursor;
        yield page.items;
      } while (cursor);
    }
    return deliverExport(format === 'csv' ? csvStream(CASE_LIST_COLUMNS, pages()) : jsonArrayStream(pages()), {
      objects,
      fileName: `cases.${format}`,
      contentType: contentTypeOf(format),
      rows: () => rows,
      // Object Lock runs on wall-clock time, not on the legal clock (accelerated on a laptop).
      now: new Date(),
    });
  }

  return { exportWhole, exportChronology, summary };
}
