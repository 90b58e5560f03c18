import { stringify } from 'csv-stringify/sync';
import type { CaseEvent } from '#domain/schemas';
import { BIDI_CONTROLS } from '#domain/schemas';
import { formatShanghai } from '#domain/shanghai-time';
import { STATUS_LABELS_ZH } from '#domain/vocabulary';
import type { CaseSummary } from '#store/case-store';

/**
 * CSV and JSON exports, produced page by page so an export never holds the whole list in memory. CSV
 * starts with a UTF-8 byte-order mark: without it, spreadsheet programs on Chinese Windows read the
 * file as GBK and garble every Chinese character.
 */
export const UTF8_BOM = '\uFEFF';

export const CASE_LIST_COLUMNS: { header: string; value: (c: CaseSummary) => string | number }[] = [
  { header: '案件编号 case id', value: (c) => c.id },
  { header: '状态 status', value: (c) => c.status },
  { header: '状态说明', value: (c) => STATUS_LABELS_ZH[c.status] },
  { header: '街道 subdistrict', value: (c) => c.location.subdistrict },
  { header: '社区 community', value: (c) => c.location.community },
  { header: '地址 address', value: (c) => c.location.address },
  { header: '类别 category', value: (c) => c.category },
  { header: '严重程度 severity', value: (c) => c.severity },
  { header: '面积㎡ area', value: (c) => c.areaM2 },
  { header: '通知书编号 notice', value: (c) => c.noticeNumber ?? '' },
  { header: '登记时间 reported (UTC)', value: (c) => c.reportedAt },
  { header: '当前期限 due (北京时间)', value: (c) => (c.dueAt ? formatShanghai(c.dueAt) : '') },
  { header: '结案时间 closed (UTC)', value: (c) => c.closedAt ?? c.milestones.CLOSED ?? '' },
  { header: '拆除面积㎡ removed', value: (c) => c.areaRemovedM2 ?? '' },
];

export const CHRONOLOGY_COLUMNS: { header: string; value: (e: CaseEvent) => string | number }[] = [
  { header: '序号 seq', value: (e) => e.seq },
  { header: '时间 at (UTC)', value: (e) => e.at },
  { header: '北京时间', value: (e) => formatShanghai(e.at) },
  { header: '事件 event', value: (e) => e.type },
  { header: '状态 status', value: (e) => e.status },
  { header: '操作人 actor', value: (e) => `${e.actor.role}:${e.actor.sub}` },
  { header: '内容 data', value: (e) => JSON.stringify(e.data) },
  { header: '前序哈希 prevHash', value: (e) => e.prevHash },
  { header: '哈希 hash', value: (e) => e.hash },
];

function csvHeader<T>(columns: { header: string; value: (row: T) => string | number }[]): string {
  return UTF8_BOM + stringify([columns.map((c) => c.header)], { record_delimiter: 'windows' });
}

function csvRows<T>(columns: { header: string; value: (row: T) => string | number }[], rows: readonly T[]): string {
  if (rows.length === 0) return '';
  return stringify(
    rows.map((row) => columns.map((c) => neutraliseFormula(c.value(row)))),
    { record_delimiter: 'windows' },
  );
}

/**
 * A cell starting with =, +, - or @ is run as a formula by spreadsheet programs; user-supplied text must
 * never be (CSV injection). Bidirectional controls would show a cell in another order than it holds, and
 * a line break splits what is one line: text stored before the API refused them still leaves as one
 * plainly readable line, each control shown as U+FFFD. Numbers pass through unchanged.
 */
function neutraliseFormula(value: string | number): string | number {
  if (typeof value === 'number') return value;
  const plain = value
    .replace(new RegExp(BIDI_CONTROLS.source, 'g'), '\uFFFD')
    .replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ');
  return /^[=+\-@\t\r]/.test(plain) ? `'${plain}` : plain;
}

/** Streams CSV text (header first) from an async source of pages. */
export async function* csvStream<T>(
  columns: { header: string; value: (row: T) => string | number }[],
  pages: AsyncIterable<readonly T[]>,
): AsyncGenerator<string> {
  yield csvHeader(columns);
  for await (const page of pages) {
    const text = csvRows(columns, page);
    if (text) yield text;
  }
}

/** Streams a JSON array from an async source of pages. */
export async function* jsonArrayStream<T>(pages: AsyncIterable<readonly T[]>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const page of pages) {
    for (const item of page) {
      yield `${first ? '' : ','}\n${JSON.stringify(item)}`;
      first = false;
    }
  }
  yield first ? ']' : '\n]\n';
}
