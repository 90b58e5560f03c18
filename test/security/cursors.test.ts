import { randomUUID } from 'node:crypto';
import type { ApiHarness, Client } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';

/**
 * Cursors a client sends back. Found by an attack: a cursor with the right key names and made-up values
 * answered 500, because only the names were checked.
 */
let api: ApiHarness;
let states: CaseStates;
let auditor: Client;
const subdistrict = `游标街道-${randomUUID().slice(0, 6)}`;

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  auditor = await api.as('auditor');
  for (let i = 0; i < 3; i += 1) {
    api.clock.advance(60_000);
    await states.reported({ submission: { location: { subdistrict, community: '解放坡社区', address: `石小路${i}号` } } });
  }
}, 60_000);
afterAll(async () => {
  await api?.close();
});

describe('forged cursors', () => {
  const caseKey = { PK: 'CASE#C-20261209-AAAAAA', SK: 'CASE' };
  const area = `subdistrict=${encodeURIComponent(subdistrict)}&from=2026-12-01`;
  /** kind → [the list's filters, the forged cursor]. */
  const forgedLists: Record<string, [string, string]> = {
    'status list: a key of another status': ['status=REPORTED', b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#CLOSED', GSI1SK: '2026-12-01T00:00:00.000Z#x' }) })],
    'status list: a number where a string belongs': ['status=REPORTED', b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#REPORTED', GSI1SK: 7 }) })],
    'status list: the sort key missing': ['status=REPORTED', b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#REPORTED' }) })],
    'area list: a key of another sub-district': [area, b64({ k: 'area', c: b64({ ...caseKey, GSI2PK: 'AREA#别的街道', GSI2SK: '2026-12-09T02:00:00.000Z#x' }) })],
    'area list: a key outside the date range': [area, b64({ k: 'area', c: b64({ ...caseKey, GSI2PK: `AREA#${subdistrict}`, GSI2SK: '1999-01-01T00:00:00.000Z#x' }) })],
    'overdue list: a position past the end': ['overdue=true', b64({ k: 'overdue', s: 99 })],
    'not base64 JSON': ['status=REPORTED', '%%%'],
    'JSON but not a cursor': ['status=REPORTED', b64('[1,2,3]')],
  };

  it.each(Object.entries(forgedLists))('GET /cases, %s: 400 naming the cursor', async (_kind, [filter, cursor]) => {
    const answer = await auditor.get(`/cases?${filter}&cursor=${encodeURIComponent(cursor)}`);
    expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 400, errors: [expect.objectContaining({ field: 'cursor', in: 'query' })] });
  });

  it('GET /cases/{id}/history with a key of another case, or of an email beside the case: 400 naming the cursor', async () => {
    const record = await states.closed();
    const other = await states.closed();
    for (const key of [
      { PK: `CASE#${other.id}`, SK: 'EVT#000000002' },
      { PK: `CASE#${record.id}`, SK: 'MAIL#x' },
      { PK: `CASE#${record.id}`, SK: 'EVT#000000002', extra: 'x' },
    ]) {
      const answer = await auditor.get(`/cases/${record.id}/history?limit=2&cursor=${encodeURIComponent(b64(key))}`);
      expect({ key, status: answer.status, field: answer.body.errors?.[0]?.field }).toEqual({ key, status: 400, field: 'cursor' });
    }
  });
});
