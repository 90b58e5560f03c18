import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#store/table';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';

let api: ApiHarness;
let states: CaseStates;
let auditor: Client;
const subdistrict = `查询街道-${randomUUID().slice(0, 6)}`;
const place = (community: string, address: string) => ({ location: { subdistrict, community, address } });

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  auditor = await api.as('auditor');
});
afterAll(async () => {
  await api.close();
});

async function allPages(client: Client, query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const answer = await client.get(`/cases?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(answer.status).toBe(200);
    ids.push(...answer.body.items.map((c: { id: string }) => c.id));
    cursor = answer.body.cursor;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}

describe('GET /cases', () => {
  it('lists a sub-district and a community in report order, page by page', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      api.clock.advance(60_000);
      created.push(
        (await states.reported({ submission: place(i % 2 ? '解放坡社区' : '石小路社区', `隆庆楼${i}号`) })).id,
      );
    }
    const all = await allPages(auditor, `subdistrict=${encodeURIComponent(subdistrict)}&limit=2`);
    expect(all.ids).toEqual(created);
    expect(all.pages).toBeGreaterThanOrEqual(3);
    const community = await allPages(
      auditor,
      `subdistrict=${encodeURIComponent(subdistrict)}&community=${encodeURIComponent('解放坡社区')}`,
    );
    expect(community.ids).toEqual([created[1], created[3]]);
  });

  it('lists by status earliest deadline first, and overdue cases across statuses', async () => {
    const due = await states.noticeIssued({ deadlineDate: '2026-12-01' });
    const notDue = await states.noticeIssued({ deadlineDate: '2026-12-30' });
    const byStatus = await allPages(auditor, 'status=NOTICE_ISSUED&limit=100');
    expect(byStatus.ids.indexOf(due.id)).toBeLessThan(byStatus.ids.indexOf(notDue.id));
    const overdue = await allPages(auditor, 'overdue=true&limit=3');
    expect(overdue.ids).toContain(due.id);
    expect(overdue.ids).not.toContain(notDue.id);
  });

  it('shows a reporter only their own submissions', async () => {
    const mine = await states.reported({ reporterSub: 'reporter-a', submission: place('解放坡社区', '石小路1号') });
    const theirs = await states.reported({ reporterSub: 'reporter-b', submission: place('解放坡社区', '石小路2号') });
    const listed = await allPages(
      await api.as('reporter', 'reporter-a'),
      `subdistrict=${encodeURIComponent(subdistrict)}`,
    );
    expect(listed.ids).toContain(mine.id);
    expect(listed.ids).not.toContain(theirs.id);
    expect((await (await api.as('reporter', 'reporter-a')).get(`/cases/${theirs.id}`)).status).toBe(404);
  });

  it('refuses a list without an index to read, a community without its sub-district and a forged cursor', async () => {
    const none = await auditor.get('/cases');
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'subdistrict', in: 'query' })]);
    const community = await auditor.get(`/cases?community=${encodeURIComponent('解放坡社区')}&status=REPORTED`);
    expect(community.body.errors[0].field).toBe('community');
    const forged = await auditor.get(
      `/cases?status=REPORTED&cursor=${Buffer.from('{"k":"status","c":"eyJQSyI6MX0"}').toString('base64url')}`,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('cursor');
    const prototypeKey = await auditor.get('/cases?status=REPORTED&__proto__=x');
    expect(prototypeKey.status).toBe(400);
    expect(prototypeKey.body.errors).toEqual([expect.objectContaining({ field: '__proto__', in: 'query' })]);
    const otherList = (await auditor.get(`/cases?subdistrict=${encodeURIComponent(subdistrict)}&limit=1`)).body
      .cursor as string;
    const mixed = await auditor.get(`/cases?status=REPORTED&cursor=${encodeURIComponent(otherList)}`);
    expect(mixed.status).toBe(400);
  });
});

describe('GET /cases/{id}/history', () => {
  it('pages through the events and verifies the whole chain against the head on the case', async () => {
    const record = await states.closed();
    const first = await auditor.get(`/cases/${record.id}/history?limit=2&verify=true`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(first.body.verification).toEqual({
      ok: true,
      count: record.lastSeq,
      lastSeq: record.lastSeq,
      lastHash: record.lastHash,
    });
    const second = await auditor.get(
      `/cases/${record.id}/history?limit=2&cursor=${encodeURIComponent(first.body.cursor)}`,
    );
    expect(second.body.items.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
    expect(second.body.verification).toBeUndefined();
  });

  it('names the first altered event when the stored history was tampered with', async () => {
    const record = await states.closed();
    const doc = (api.store as unknown as { doc: DynamoDBDocumentClient }).doc;
    await doc.send(
      new UpdateCommand({
        TableName: api.store.tableName,
        Key: keys.event(record.id, 2),
        UpdateExpression: 'SET #data = :data',
        ExpressionAttributeNames: { '#data': 'data' },
        ExpressionAttributeValues: { ':data': { tampered: true } },
      }),
    );
    const answer = await auditor.get(`/cases/${record.id}/history?verify=true`);
    expect(answer.status).toBe(200);
    expect(answer.body.verification).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
