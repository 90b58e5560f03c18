import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashEvent } from '#domain/chain';
import type { CaseRecord } from '#domain/schemas';
import { keys } from '#store/table';
import type { ApiHarness, Client } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';

/**
 * Tampering with the table, as someone with write access to it could: `verify=true` names each change,
 * except a rewrite of the last event together with the chain head on the case item, which only the
 * signed digests kept outside the table can reveal (docs/digests.md, test/security/digests.test.ts).
 */
let api: ApiHarness;
let states: CaseStates;
let auditor: Client;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  auditor = await api.as('auditor');
  doc = (api.store as unknown as { doc: DynamoDBDocumentClient }).doc;
});
afterAll(async () => {
  await api?.close();
});

const table = () => api.store.tableName;
async function verification(id: string) {
  const answer = await auditor.get(`/cases/${id}/history?verify=true`);
  expect(answer.status).toBe(200);
  return answer.body.verification as { ok: boolean; brokenAt?: number; reason?: string };
}
async function eventItem(id: string, seq: number): Promise<Record<string, unknown>> {
  return (await doc.send(new GetCommand({ TableName: table(), Key: keys.event(id, seq) }))).Item as Record<
    string,
    unknown
  >;
}
async function setOnCase(id: string, name: string, value: unknown) {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.case(id),
      UpdateExpression: 'SET #n = :v',
      ExpressionAttributeNames: { '#n': name },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
}
/** A closed case whose demolition recorded an area, as the workflow and the API write it. */
async function closedCase(): Promise<CaseRecord> {
  const record = await states.closed();
  expect(await verification(record.id)).toMatchObject({ ok: true });
  return record;
}

describe('tampering the history', () => {
  it('an event edited: named at that event', async () => {
    const record = await closedCase();
    const event = await eventItem(record.id, 2);
    await doc.send(
      new PutCommand({
        TableName: table(),
        Item: { ...event, data: { ...(event.data as object), noticeNumber: 'RN-2026-000001' } },
      }),
    );
    expect(await verification(record.id)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: expect.stringContaining('altered'),
    });
  });

  it('an event removed: named as missing', async () => {
    const record = await closedCase();
    await doc.send(new DeleteCommand({ TableName: table(), Key: keys.event(record.id, 2) }));
    expect(await verification(record.id)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: expect.stringContaining('missing'),
    });
  });

  it('two events swapped: named at the first out of place', async () => {
    const record = await closedCase();
    const [two, three] = [await eventItem(record.id, 2), await eventItem(record.id, 3)];
    await doc.send(new PutCommand({ TableName: table(), Item: { ...three, ...keys.event(record.id, 2) } }));
    await doc.send(new PutCommand({ TableName: table(), Item: { ...two, ...keys.event(record.id, 3) } }));
    expect(await verification(record.id)).toMatchObject({ ok: false, brokenAt: 2 });
  });
});

describe('tampering the case item', () => {
  it.each([
    ['status', 'status', 'DISMISSED'],
    ['area removed', 'areaRemovedM2', 99999],
    ['notice number', 'notice', { number: 'RN-2026-999999' }],
    ['version', 'version', 1],
  ] as const)('its %s changed: named', async (_what, attribute, value) => {
    const record = await closedCase();
    const stored = await api.store.getCase(record.id);
    await setOnCase(record.id, attribute, attribute === 'notice' ? { ...stored?.notice, ...(value as object) } : value);
    const verdict = await verification(record.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toContain(attribute === 'notice' ? 'notice number' : attribute);
  });
});

describe('what only the outside anchor reveals', () => {
  it('the last event rewritten, its hash recomputed and the chain head on the case item rewritten to match: the table alone verifies', async () => {
    const record = await closedCase();
    const last = await eventItem(record.id, record.lastSeq);
    const { PK: _pk, SK: _sk, entity: _entity, hash: _hash, ...content } = last;
    const rewritten = { ...content, actor: { sub: 'someone-else', role: 'system' } };
    const hash = hashEvent(rewritten as never);
    await doc.send(new PutCommand({ TableName: table(), Item: { ...last, ...rewritten, hash } }));
    await setOnCase(record.id, 'lastHash', hash);
    expect(await verification(record.id)).toMatchObject({ ok: true, lastHash: hash });
  });
});
