import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiHarness } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { runRectify } from './run-rectify';

const sample = readFileSync(path.join(__dirname, '../../samples/survey-sample.csv'), 'utf8').trim().split('\n');

let api: ApiHarness;
let dir: string;
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-29T02:00:00Z') });
  dir = mkdtempSync(path.join(os.tmpdir(), 'rectify-cli-'));
});
afterAll(async () => {
  await api.close();
});

async function rectify(role: 'reporter' | 'officer' | 'auditor', args: string[]) {
  return runRectify(
    { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role, sub: `${role}-cli` }) },
    args,
  );
}

async function casesIn(subdistrict: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.store.listByArea(subdistrict, { cursor });
    ids.push(...page.items.map((c) => c.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

describe('rectify import', () => {
  const subdistrict = '普查街道';
  const file = () => path.join(dir, 'survey.csv');

  beforeAll(() => {
    const rows = sample.map((line, i) => (i === 0 ? line : line.replace('小龙坎街道', subdistrict)));
    writeFileSync(
      file(),
      [
        rows[0],
        rows[1], // row 2 good
        rows[2]!.replace(',8.5,', ',八平方,'), // row 3 wrong type
        rows[3]!.replace('上土湾66号旁空地', ''), // row 4 missing address
        rows[1], // row 5 duplicate of row 2
        rows[4]!.replace('上土湾70号阳台', new TextDecoder('gbk').decode(Buffer.from('上土湾七十号阳台'))), // row 6 mojibake
        rows[5], // row 7 good
      ].join('\n'),
    );
  });

  it('imports the good rows, reports each bad row, and adds nothing on re-import', async () => {
    const first = await rectify('reporter', [
      'import',
      file(),
      '--concurrency',
      '3',
      '--errors',
      path.join(dir, 'errors.csv'),
    ]);
    expect(first.code).toBe(2);
    expect(JSON.parse(first.stdout)).toMatchObject({ valid: 2, created: 2, alreadyImported: 0, badRows: 4 });
    for (const row of [3, 4, 5, 6]) expect(first.stderr).toMatch(new RegExp(`row ${row}: `));
    expect(first.stderr).toMatch(/row 4: 地址 \(location\.address\): is required/);
    expect(first.stderr).toMatch(/row 5: \(row\): duplicate of row 2/);
    expect(readFileSync(path.join(dir, 'errors.csv'), 'utf8').startsWith('\uFEFFrow,field,reason')).toBe(true);
    const imported = await casesIn(subdistrict);
    expect(imported).toHaveLength(2);

    const again = await rectify('reporter', ['import', file()]);
    expect(JSON.parse(again.stdout)).toMatchObject({ valid: 2, created: 0, alreadyImported: 2 });
    expect(await casesIn(subdistrict)).toEqual(imported);
  });

  it('lets an auditor read but never write', async () => {
    const refused = await rectify('auditor', ['import', file()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^error: the import was refused; nothing was submitted\n.*answered 403 Your role may not do this\n/,
    );
    expect(refused.stderr).not.toMatch(/^row \d+:/m);
    expect(await casesIn(subdistrict)).toHaveLength(2);

    const [id] = await casesIn(subdistrict);
    const shown = await rectify('auditor', ['show', id!]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, status: 'REPORTED' });
    const history = await rectify('auditor', ['history', id!, '--verify']);
    expect(JSON.parse(history.stdout)).toMatchObject({ verification: { ok: true } });
    const report = await rectify('auditor', ['report', '--subdistrict', subdistrict, '--json']);
    expect(JSON.parse(report.stdout)).toMatchObject({ total: { reported: 2 } });
  });
});
