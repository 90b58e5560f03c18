import { randomUUID } from 'node:crypto';
import { BODY_LIMIT_BYTES } from '#api/http';
import { seedSubmission } from '../fixtures/submissions';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';

let api: ApiHarness;
let reporter: Client;
beforeAll(async () => {
  api = await startApiHarness();
  reporter = await api.as('reporter', 'reporter-batch');
});
afterAll(async () => {
  await api.close();
});

/** A sub-district of its own per test, so counting its cases counts only what the test wrote. */
const area = () => `批量街道-${randomUUID().slice(0, 6)}`;
const row = (subdistrict: string, n: number, key: string = randomUUID()) => ({
  idempotencyKey: key,
  submission: seedSubmission({ location: { subdistrict, community: '解放坡社区', address: `石小路${n}号` } }),
});

async function casesIn(subdistrict: string): Promise<string[]> {
  return (await api.store.listByArea(subdistrict, { limit: 100 })).items.map((c) => c.id);
}

describe('POST /case-batches', () => {
  it('creates each submission as POST /cases would, and creates nothing new when the batch is sent again', async () => {
    const subdistrict = area();
    const items = [row(subdistrict, 1), row(subdistrict, 2), row(subdistrict, 3)];
    const first = await reporter.post('/case-batches', { items });
    expect(first.status).toBe(200);
    expect(
      first.body.results.map((r: { idempotencyKey: string; status: number; replayed: boolean }) => [
        r.idempotencyKey,
        r.status,
        r.replayed,
      ]),
    ).toEqual(items.map((i) => [i.idempotencyKey, 201, false]));
    const ids = first.body.results.map((r: { case: { id: string } }) => r.case.id);
    expect((await casesIn(subdistrict)).sort()).toEqual([...ids].sort());
    expect((await reporter.get(`/cases/${ids[0]}`)).body).toMatchObject({
      status: 'REPORTED',
      location: items[0]?.submission.location,
    });
    expect(api.engine.executions.filter((e) => ids.some((id: string) => e.startsWith(id)))).toHaveLength(3);

    const again = await reporter.post('/case-batches', { items });
    expect(
      again.body.results.map((r: { status: number; replayed: boolean; case: { id: string } }) => [
        r.status,
        r.replayed,
        r.case.id,
      ]),
    ).toEqual(ids.map((id: string) => [201, true, id]));
    expect((await casesIn(subdistrict)).sort()).toEqual([...ids].sort());
  });

  it('answers a key already used for another submission with its problem, and creates the other rows', async () => {
    const subdistrict = area();
    const used = row(subdistrict, 1);
    expect((await reporter.post('/cases', used.submission, { 'idempotency-key': used.idempotencyKey })).status).toBe(
      201,
    );
    const answer = await reporter.post('/case-batches', {
      items: [row(subdistrict, 2), { ...row(subdistrict, 3), idempotencyKey: used.idempotencyKey }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { status: number }) => r.status)).toEqual([201, 422]);
    expect(answer.body.results[1].problem).toMatchObject({
      type: 'urn:rectify:problem:idempotency-key-reused',
      status: 422,
    });
    expect(await casesIn(subdistrict)).toHaveLength(2);
  });

  it("takes 25 submissions of the largest size one POST /cases takes, beyond that route's body limit", async () => {
    const subdistrict = area();
    const items = Array.from({ length: 25 }, (_, i) => ({
      ...row(subdistrict, i),
      submission: { ...row(subdistrict, i).submission, description: '违'.repeat(2000) },
    }));
    expect(Buffer.byteLength(JSON.stringify({ items }))).toBeGreaterThan(BODY_LIMIT_BYTES);
    const answer = await reporter.post('/case-batches', { items });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { status: number }) => r.status)).toEqual(items.map(() => 201));
    expect(await casesIn(subdistrict)).toHaveLength(25);
  });

  it.each([
    [
      'a bad submission',
      (s: string) => [
        row(s, 1),
        {
          ...row(s, 2),
          submission: { ...row(s, 2).submission, location: { subdistrict: s, community: '解放坡社区', address: '' } },
        },
      ],
      'items[1].submission.location.address',
    ],
    [
      'a key repeated in the batch',
      (s: string) => [row(s, 1, 'survey-key-0001'), row(s, 2, 'survey-key-0001')],
      'items[1].idempotencyKey',
    ],
    ['a malformed key', (s: string) => [row(s, 1, 'no spaces allowed')], 'items[0].idempotencyKey'],
    ['more than 25 submissions', (s: string) => Array.from({ length: 26 }, (_, i) => row(s, i)), 'items'],
    ['no submission', () => [], 'items'],
  ])('refuses %s with 400 naming it, and writes nothing', async (_name, items, field) => {
    const subdistrict = area();
    const answer = await reporter.post('/case-batches', { items: items(subdistrict) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await casesIn(subdistrict)).toEqual([]);
  });

  it('is for reporters and officers only', async () => {
    const subdistrict = area();
    for (const role of ['auditor', 'enforcer'] as const)
      expect((await (await api.as(role)).post('/case-batches', { items: [row(subdistrict, 1)] })).status).toBe(403);
    expect((await api.anonymous.post('/case-batches', { items: [row(subdistrict, 1)] })).status).toBe(401);
    expect(
      (await (await api.as('officer')).post('/case-batches', { items: [row(subdistrict, 1)] })).body.results[0].status,
    ).toBe(201);
  });
});
