import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseStore } from '#store/case-store';
import { IN_FLIGHT_TAKEOVER_MS, addressKeyOf, scopedIdempotencyKey } from '#app/case-intake';
import { seedSubmission } from '../fixtures/submissions';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';

let api: ApiHarness;
let reporter: Client;
beforeAll(async () => {
  api = await startApiHarness();
  reporter = await api.as('reporter', 'reporter-intake');
});
afterAll(async () => {
  await api.close();
});

const submit = (client: Client, key: string, body: unknown = seedSubmission()) =>
  client.post('/cases', body, { 'idempotency-key': key });

/** Every case the table holds in the seed's sub-district, read from the area index. */
async function casesInSubdistrict(subdistrict = '小龙坎街道'): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.store.listByArea(subdistrict, { cursor, limit: 100 });
    ids.push(...page.items.map((c) => c.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

describe('POST /cases', () => {
  it('creates a reported case, starts its intake workflow once and answers 201 with Location and ETag', async () => {
    const answer = await submit(
      reporter,
      randomUUID(),
      seedSubmission({ location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '上土湾3号 院内' } }),
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      status: 'REPORTED',
      version: 1,
      reporterSub: 'reporter-intake',
      category: 'resident-built',
      possibleDuplicates: [],
    });
    expect(answer.headers.get('location')).toBe(`/cases/${answer.body.id}`);
    expect(answer.headers.get('etag')).toBe('"1"');
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
    expect(api.engine.executions).toContain(`${answer.body.id}--intake--1`);
    const stored = await api.store.getCase(answer.body.id);
    expect(stored).toMatchObject({ status: 'REPORTED', execution: `${answer.body.id}--intake--1` });
    const history = await api.store.history(answer.body.id);
    expect(history.items.map((e) => e.type)).toEqual(['CASE_REPORTED']);
    expect(history.items[0]?.actor).toEqual({ sub: 'reporter-intake', role: 'reporter' });
  });

  it('answers a replay with the original status and body, and another body under the same key with 422', async () => {
    const key = randomUUID();
    const body = seedSubmission({
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路8号 二楼平台' },
    });
    const first = await submit(reporter, key, body);
    const again = await submit(reporter, key, body);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await submit(reporter, key, { ...body, description: '另一处违法建设' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body).toMatchObject({ type: 'urn:rectify:problem:idempotency-key-reused', status: 422 });
    expect(api.engine.executions.filter((e) => e.startsWith(first.body.id))).toHaveLength(1);
  });

  it('scopes keys per person: the same key from another reporter is another case', async () => {
    const key = randomUUID();
    const body = seedSubmission({
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路12号' },
    });
    const mine = await submit(reporter, key, body);
    const theirs = await submit(await api.as('reporter', 'reporter-other'), key, body);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('makes one case and one execution from 20 concurrent replays of one key', async () => {
    const subdistrict = `并发街道-${randomUUID().slice(0, 6)}`;
    const body = seedSubmission({ location: { subdistrict, community: '解放坡社区', address: '隆庆楼1号' } });
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(reporter, key, body)));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    const waiting = answers.filter((a) => a.status === 409);
    expect(waiting.every((a) => Number(a.headers.get('retry-after')) >= 1)).toBe(true);
    const ids = new Set(created.map((a) => a.body.id as string));
    expect(ids.size).toBe(1);
    // Once the first has finished, every replay gets the same answer.
    const settled = await submit(reporter, key, body);
    expect(settled.status).toBe(201);
    expect(settled.body).toEqual(created[0]?.body);
    expect(await casesInSubdistrict(subdistrict)).toEqual([...ids]);
    expect(api.engine.executions.filter((e) => e.startsWith(settled.body.id))).toEqual([
      `${settled.body.id}--intake--1`,
    ]);
  });

  it('answers 409 with Retry-After while the first request is in flight', async () => {
    let release!: () => void;
    api.engine.startGate = new Promise<void>((resolve) => (release = resolve));
    const key = randomUUID();
    const body = seedSubmission({
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '上土湾7号' },
    });
    const startsBefore = api.engine.startCalls.length + 1;
    const first = submit(reporter, key, body);
    // The first request has written its case and now waits for the workflow to start.
    for (let i = 0; i < 200 && api.engine.startCalls.length < startsBefore; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    const meanwhile = await submit(reporter, key, body);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body).toMatchObject({ type: 'urn:rectify:problem:request-in-flight' });
    expect(Number(meanwhile.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    release();
    api.engine.startGate = undefined;
    expect((await first).status).toBe(201);
    expect(api.engine.startCalls.length).toBe(startsBefore);
  });

  it('answers 503 with Retry-After when the engine is down, and a later replay finishes the same case', async () => {
    api.engine.fail.start = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const key = randomUUID();
    const body = seedSubmission({
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '隆庆楼9号' },
    });
    const down = await submit(reporter, key, body);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ type: 'urn:rectify:problem:dependency-unavailable', part: 'workflow-engine' });
    // Retrying after Retry-After lands after the takeover delay, so the retry finishes the case.
    expect(Number(down.headers.get('retry-after')) * 1000).toBeGreaterThanOrEqual(IN_FLIGHT_TAKEOVER_MS);
    api.engine.fail.start = undefined;

    const tooSoon = await submit(reporter, key, body);
    expect(tooSoon.status).toBe(409);
    api.advanceWall(IN_FLIGHT_TAKEOVER_MS + 1);
    const takenOver = await submit(reporter, key, body);
    expect(takenOver.status).toBe(201);
    expect(takenOver.body).toMatchObject({ status: 'REPORTED', version: 1 });
    const record = await api.store.intake.getIdempotency(scopedIdempotencyKey('reporter-intake', key));
    expect(record).toMatchObject({ caseId: takenOver.body.id });
    const replay = await submit(reporter, key, body);
    expect(replay.body).toEqual(takenOver.body);
    expect(api.engine.executions.filter((e) => e.startsWith(takenOver.body.id))).toEqual([
      `${takenOver.body.id}--intake--1`,
    ]);
  });

  it('flags an open case at the same address as a possible duplicate, however the address is spaced', async () => {
    const address = { subdistrict: '小龙坎街道', community: '解放坡社区', address: '隆庆楼２０号 屋顶' };
    const first = await submit(reporter, randomUUID(), seedSubmission({ location: address }));
    const second = await submit(
      reporter,
      randomUUID(),
      seedSubmission({ location: { ...address, address: '隆庆楼20号屋顶' } }),
    );
    expect(second.status).toBe(201);
    expect(second.body.possibleDuplicates).toEqual([first.body.id]);
    const officer = await api.as('officer');
    await officer.post(`/cases/${first.body.id}/dismissal`, { reason: 'withdrawn', explanation: '举报人撤回' });
    await officer.post(`/cases/${second.body.id}/dismissal`, {
      reason: 'duplicate',
      explanation: '重复登记',
      duplicateOf: first.body.id,
    });
    const third = await submit(reporter, randomUUID(), seedSubmission({ location: address }));
    expect(third.body.possibleDuplicates).toEqual([]);
  });

  it('lists as possible duplicates, of each of several concurrent reports at one new address, exactly the cases stored before it', async () => {
    const location = {
      subdistrict: '小龙坎街道',
      community: '解放坡社区',
      address: `石小路${randomUUID().slice(0, 8)}号`,
    };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => submit(reporter, randomUUID(), seedSubmission({ location }))),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const stored = answers
      .map((a) => ({ id: a.body.id as string, duplicates: a.body.possibleDuplicates as string[] }))
      .sort((a, b) => a.duplicates.length - b.duplicates.length);
    // Each transaction stored its case only if the address's list was still the one it read, so the
    // cases form one order in which each lists all that came before it.
    stored.forEach((entry, i) =>
      expect([...entry.duplicates].sort()).toEqual(
        stored
          .slice(0, i)
          .map((e) => e.id)
          .sort(),
      ),
    );
    expect((await api.store.intake.addressCases(addressKeyOf(location)))?.caseIds.sort()).toEqual(
      stored.map((e) => e.id).sort(),
    );
  });

  it('answers 503 with Retry-After and writes nothing when DynamoDB cannot be reached', async () => {
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 300, requestTimeout: 500 },
    });
    const down = await startApiHarness({
      deps: { store: new CaseStore(DynamoDBDocumentClient.from(unreachable), api.store.tableName) },
    });
    try {
      const answer = await submit(
        await down.as('reporter', 'reporter-intake'),
        randomUUID(),
        seedSubmission({ location: { subdistrict: '不可达街道', community: '解放坡社区', address: '隆庆楼5号' } }),
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ part: 'database', status: 503 });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await casesInSubdistrict('不可达街道')).toEqual([]);
    } finally {
      unreachable.destroy();
      await down.close();
    }
  });
});
