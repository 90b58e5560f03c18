import { parse } from 'csv-parse/sync';
import { CASE_LIST_COLUMNS, CHRONOLOGY_COLUMNS, UTF8_BOM, csvStream, jsonArrayStream } from '#app/export-formats';
import type { CaseSummary } from '#store/case-store';
import { reportedCase } from '../fixtures/cases';
import { seedSubmission } from '../fixtures/submissions';

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

async function* pages<T>(...list: T[][]): AsyncGenerator<T[]> {
  yield* list;
}

function summaryOf(address: string): CaseSummary {
  const { record } = reportedCase(
    undefined,
    seedSubmission({ location: { subdistrict: '小龙坎街道', community: '解放坡社区', address } }),
  );
  return { ...record, noticeNumber: undefined };
}

describe('exports', () => {
  it('writes CSV with a BOM, Windows line ends and Chinese intact, page by page', async () => {
    const text = await collect(
      csvStream(CASE_LIST_COLUMNS, pages([summaryOf('隆庆楼16号')], [], [summaryOf('石小路9号')])),
    );
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(text).toContain('\r\n');
    const rows = parse(text.slice(1)) as string[][];
    expect(rows).toHaveLength(3);
    expect(rows[0]![0]).toBe('案件编号 case id');
    expect(rows.slice(1).map((r) => r[5])).toEqual(['隆庆楼16号', '石小路9号']);
    expect(rows[1]![2]).toBe('已登记');
  });

  it('never lets a cell become a spreadsheet formula', async () => {
    const text = await collect(csvStream(CASE_LIST_COLUMNS, pages([summaryOf('=HYPERLINK("http://x","y")')])));
    const rows = parse(text.slice(1)) as string[][];
    expect(rows[1]![5]).toBe('\'=HYPERLINK("http://x","y")');
  });

  it('exports a chronology with its hashes', async () => {
    const { event } = reportedCase();
    const rows = parse((await collect(csvStream(CHRONOLOGY_COLUMNS, pages([event])))).slice(1)) as string[][];
    expect(rows[1]).toEqual(expect.arrayContaining(['1', 'CASE_REPORTED', event.hash, event.prevHash]));
  });

  it('streams a JSON array across pages', async () => {
    expect(JSON.parse(await collect(jsonArrayStream(pages([1, 2], [], [3]))))).toEqual([1, 2, 3]);
    expect(JSON.parse(await collect(jsonArrayStream(pages<number>())))).toEqual([]);
  });
});
