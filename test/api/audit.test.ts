import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';

let api: ApiHarness;
let states: CaseStates;
let auditor: Client;
const subdistrict = `审计街道-${randomUUID().slice(0, 6)}`;
const place = (community: string, address: string) => ({ location: { subdistrict, community, address } });

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  auditor = await api.as('auditor');
});
afterAll(async () => {
  await api.close();
});

/** The exact bytes of an answer: `Response.text()` would drop the byte-order mark being tested. */
async function rawBytes(path: string): Promise<Buffer> {
  const token = await api.auth.issue({ role: 'auditor', sub: 'auditor-raw' });
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('exports', () => {
  it('exports a filtered list as CSV that spreadsheet programs open as UTF-8', async () => {
    const created: string[] = [];
    for (const address of ['隆庆楼16号', '上土湾66号', '石小路9号']) {
      api.clock.advance(60_000);
      created.push((await states.reported({ submission: place('解放坡社区', address) })).id);
    }
    const answer = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('x-row-count')).toBe('3');
    const bytes = await rawBytes(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8')) as string[][];
    expect(rows.slice(1).map((r) => r[0])).toEqual(created);
    expect(rows.slice(1).map((r) => r[5])).toEqual(['隆庆楼16号', '上土湾66号', '石小路9号']);
  });

  it('fills the notice-number column of a case that has a notice, in CSV and JSON', async () => {
    const area = `${subdistrict}-通知`;
    const noticed = await states.noticeIssued({
      submission: { location: { subdistrict: area, community: '解放坡社区', address: '隆庆楼16号' } },
    });
    const number = noticed.notice?.number;
    expect(number).toMatch(/^RN-/);
    const rows = parse(
      (await rawBytes(`/cases/export?subdistrict=${encodeURIComponent(area)}`)).subarray(3).toString('utf8'),
    ) as string[][];
    const column = rows[0]!.indexOf('通知书编号 notice');
    expect(column).toBeGreaterThan(-1);
    expect(rows.slice(1).map((r) => [r[0], r[column]])).toEqual([[noticed.id, number]]);
    const json = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(area)}&format=json`);
    expect(json.body).toEqual([expect.objectContaining({ id: noticed.id, noticeNumber: number })]);
    const list = await auditor.get(`/cases?subdistrict=${encodeURIComponent(area)}`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: noticed.id, noticeNumber: number })]);
  });

  it('exports the list as JSON in the answer itself when it is small', async () => {
    const json = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}&format=json`);
    expect(json.status).toBe(200);
    expect(json.body).toHaveLength(3);
    expect(json.headers.get('x-export-delivery')).toBeNull();
    expect(json.headers.get('x-next-cursor')).toBeNull();
  });

  it("exports a case's chronology with its hashes", async () => {
    const closed = await states.closed();
    const answer = await auditor.get(`/cases/${closed.id}/history/export?format=json`);
    expect(answer.status).toBe(200);
    expect(answer.body.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: closed.lastSeq }, (_, i) => i + 1),
    );
    expect(answer.body.at(-1).hash).toBe(closed.lastHash);
    const csv = await rawBytes(`/cases/${closed.id}/history/export`);
    expect((parse(csv.subarray(3).toString('utf8')) as string[][]).length).toBe(closed.lastSeq + 1);
  });

  it('refuses exports to reporters and enforcers, and an unknown format', async () => {
    expect(
      (await (await api.as('reporter')).get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`)).status,
    ).toBe(403);
    expect(
      (await (await api.as('enforcer')).get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`)).status,
    ).toBe(403);
    const bad = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}&format=xlsx`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
  });
});

describe('GET /reports/summary', () => {
  it('answers the figures for the period by sub-district and community', async () => {
    const area = `报表街道-${randomUUID().slice(0, 6)}`;
    const at = (community: string) => ({
      submission: { location: { subdistrict: area, community, address: `${community}1号` } },
    });
    await states.reported(at('解放坡社区'));
    await states.reported(at('石小路社区'));
    await states.reported(at('石小路社区'));
    const answer = await auditor.get(
      `/reports/summary?subdistrict=${encodeURIComponent(area)}&from=2026-12-01&to=2026-12-31`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.total).toMatchObject({ reported: 3, open: 3, noticesIssued: 0 });
    expect(
      answer.body.rows.map((r: { community?: string; reported: number }) => [r.community ?? '(all)', r.reported]),
    ).toEqual([
      ['(all)', 3],
      ['解放坡社区', 1],
      ['石小路社区', 2],
    ]);
    expect(answer.body.casesRead).toBe(3);
  });

  it('refuses a community without its sub-district, naming the field', async () => {
    const answer = await auditor.get('/reports/summary?community=x');
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'community' })]);
  });

  it('is for officers and auditors only', async () => {
    expect((await (await api.as('officer')).get('/reports/summary')).status).toBe(200);
    expect((await (await api.as('reporter')).get('/reports/summary')).status).toBe(403);
    expect((await api.anonymous.get('/reports/summary')).status).toBe(401);
  });
});
