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

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  auditor = await api.as('auditor');
  for (let i = 0; i < 3; i += 1) {
    api.clock.advance(60_000);
    await states.reported({
      submission: { location: { subdistrict, community: '解放坡社区', address: `石小路${i}号` } },
    });
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
    'status list: a key of another status': [
      'status=REPORTED',
      b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#CLOSED', GSI1SK: '2026-12-01T00:00:00.000Z#x' }) }),
    ],
    'status list: a number where a string belongs': [
      'status=REPORTED',
      b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#REPORTED', GSI1SK: 7 }) }),
    ],
    'status list: the sort key missing': [
      'status=REPORTED',
      b64({ k: 'status', c: b64({ ...caseKey, GSI1PK: 'STATUS#REPORTED' }) }),
    ],
    'area list: a key of another sub-district': [
      area,
      b64({ k: 'area', c: b64({ ...caseKey, GSI2PK: 'AREA#别的街道', GSI2SK: '2026-12-09T02:00:00.000Z#x' }) }),
    ],
    'area list: a key outside the date range': [
      area,
      b64({ k: 'area', c: b64({ ...caseKey, GSI2PK: `AREA#${subdistrict}`, GSI2SK: '1999-01-01T00:00:00.000Z#x' }) }),
    ],
    'overdue list: a position past the end': ['overdue=true', b64({ k: 'overdue', s: 99 })],
    'not base64 JSON': ['status=REPORTED', '%%%'],
    'JSON but not a cursor': ['status=REPORTED', b64('[1,2,3]')],
  };

  it.each(Object.entries(forgedLists))('GET /cases, %s: 400 naming the cursor', async (_kind, [filter, cursor]) => {
    const answer = await auditor.get(`/cases?${filter}&cursor=${encodeURIComponent(cursor)}`);
    expect({ status: answer.status, errors: answer.body.errors }).toEqual({
      status: 400,
      errors: [expect.objectContaining({ field: 'cursor', in: 'query' })],
    });
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
      expect({ key, status: answer.status, field: answer.body.errors?.[0]?.field }).toEqual({
        key,
        status: 400,
        field: 'cursor',
      });
    }
  });
});

describe('cursors are opaque, tamper-evident and bound to the list and the caller', () => {
  async function firstCursor(who: Client, query: string): Promise<string> {
    const answer = await who.get(`/cases?${query}&limit=1`);
    expect(answer.status).toBe(200);
    expect(typeof answer.body.cursor).toBe('string');
    return answer.body.cursor as string;
  }
  const area = () => `subdistrict=${encodeURIComponent(subdistrict)}`;

  it('shows nothing of the cases it points at: no case id, no time, no key', async () => {
    for (const query of [area(), 'status=REPORTED']) {
      const cursor = await firstCursor(auditor, query);
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(decoded).not.toMatch(/C-\d{8}-|20\d\d-\d\d-\d\d|CASE#|STATUS#|AREA#|GSI/);
    }
  });

  it('is refused when altered, when sent with other filters, or by another caller or role', async () => {
    const cursor = await firstCursor(auditor, area());
    const bytes = Buffer.from(cursor, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    const attempts: [string, Client, string][] = [
      ['altered', auditor, `${area()}&cursor=${bytes.toString('base64url')}`],
      ['another community', auditor, `${area()}&community=${encodeURIComponent('石小路社区')}&cursor=${cursor}`],
      ['another date range', auditor, `${area()}&from=2026-01-01&cursor=${cursor}`],
      ['another auditor', await api.as('auditor', 'auditor-2'), `${area()}&cursor=${cursor}`],
      ['an officer', await api.as('officer', 'auditor-1'), `${area()}&cursor=${cursor}`],
    ];
    for (const [kind, who, query] of attempts) {
      const answer = await who.get(`/cases?${query}`);
      expect({ kind, status: answer.status, field: answer.body.errors?.[0]?.field }).toEqual({
        kind,
        status: 400,
        field: 'cursor',
      });
    }
    const genuine = await auditor.get(`/cases?${area()}&cursor=${cursor}`);
    expect(genuine.status).toBe(200);
  });

  it('a history cursor continues only the case it came from', async () => {
    const one = await states.closed();
    const two = await states.closed();
    const first = await auditor.get(`/cases/${one.id}/history?limit=1`);
    const other = await auditor.get(`/cases/${two.id}/history?limit=1&cursor=${first.body.cursor}`);
    expect({ status: other.status, field: other.body.errors?.[0]?.field }).toEqual({ status: 400, field: 'cursor' });
    expect((await auditor.get(`/cases/${one.id}/history?limit=1&cursor=${first.body.cursor}`)).body.items[0].seq).toBe(
      2,
    );
  });
});

describe('a reporter’s list reads their own cases only', () => {
  it('pages through their own index, never the sub-district’s or a status’s', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      api.clock.advance(60_000);
      mine.push(
        (
          await states.reported({
            reporterSub: 'reporter-pager',
            submission: { location: { subdistrict, community: '解放坡社区', address: `上土湾${i}号` } },
          })
        ).id,
      );
      await states.reported({
        reporterSub: 'reporter-other',
        submission: { location: { subdistrict, community: '解放坡社区', address: `隆庆楼${i}号` } },
      });
    }
    const reads = {
      area: jest.spyOn(api.store, 'listByArea'),
      status: jest.spyOn(api.store, 'listByStatus'),
      reporter: jest.spyOn(api.store, 'listByReporter'),
    };
    const reporter = await api.as('reporter', 'reporter-pager');
    const byQuery: Record<string, string[]> = {};
    for (const query of [`subdistrict=${encodeURIComponent(subdistrict)}`, 'status=REPORTED', 'overdue=true']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const answer = await reporter.get(`/cases?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(answer.status).toBe(200);
        seen.push(...answer.body.items.map((c: { id: string }) => c.id));
        cursor = answer.body.cursor;
      } while (cursor);
      byQuery[query] = seen;
    }
    expect(byQuery).toEqual({
      [`subdistrict=${encodeURIComponent(subdistrict)}`]: mine,
      'status=REPORTED': mine,
      'overdue=true': [],
    });
    expect({ area: reads.area.mock.calls.length, status: reads.status.mock.calls.length }).toEqual({
      area: 0,
      status: 0,
    });
    expect(reads.reporter.mock.calls.every(([sub]) => sub === 'reporter-pager')).toBe(true);
    expect(reads.reporter.mock.calls.length).toBeGreaterThanOrEqual(3);
    for (const spy of Object.values(reads)) spy.mockRestore();
  });
});
