import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePolicy } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { DynamoDbLocal } from '#local/dynamodb-local';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { scopedIdempotencyKey } from '#app/case-intake';
import type { Client, HttpAnswer } from '../api/support/harness';
import type { E2eStack } from '../e2e/support';
import { eventually, startE2eStack } from '../e2e/support';
import { LOAD_POLICY, listArea, repeated, submissionFor, verifyHistories } from './support/lifecycle';
import { stackTable } from './support/stack-table';

/**
 * DynamoDB Local killed while requests are in flight, on the local stack's own DynamoDB Local (data in a
 * folder, so it can be started again on the same port): the API answers 503 with Retry-After — never a
 * 500 — and writes nothing by halves; once DynamoDB is back every request works again, a replay of each
 * refused submission makes exactly one case, no acknowledged case is missing, every history verifies;
 * and after the stack restarts, the workflow of every open case runs on, even where a step met the outage.
 */
/** Slow legal time: the cases' workflows sleep in their deadline waits while DynamoDB is down. */
const CLOCK_FACTOR = 1_000;
const SUBDISTRICT = '断库街道';
const REPORTER = 'reporter-outage';

let e2e: E2eStack;
let revived: DynamoDbLocal | undefined;

afterAll(async () => {
  await e2e?.dispose();
  await revived?.stop();
}, 30_000);

const policy = resolvePolicy(LOAD_POLICY);

interface Submission {
  key: string;
  body: ReturnType<typeof submissionFor>;
  answers: HttpAnswer[];
}

function expectUnavailable(answer: HttpAnswer, what: string): void {
  expect({
    what,
    status: answer.status,
    type: answer.body?.type,
    retryAfter: Number(answer.headers.get('retry-after')) >= 1,
  }).toEqual({
    what,
    status: 503,
    type: 'urn:rectify:problem:dependency-unavailable',
    retryAfter: true,
  });
}

async function submitUntilCreated(reporter: Client, submission: Submission): Promise<HttpAnswer> {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const answer = await reporter.post('/cases', submission.body, { 'idempotency-key': submission.key });
    submission.answers.push(answer);
    if (answer.status === 201) return answer;
    if (answer.status !== 503 && answer.status !== 409)
      throw new Error(`replay answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await sleep(Number(answer.headers.get('retry-after') ?? '1') * 1000);
  }
  throw new Error(`submission ${submission.key} never completed`);
}

describe('DynamoDB Local killed mid-request', () => {
  it('answers 503 with Retry-After, half-writes nothing, and loses no case through the outage and a restart', async () => {
    // The workflow check starts an intake whose start the outage refused (the case is stored, so it is answered
    // 201): every second here, so the test need not wait the default half-minute for it.
    e2e = await startE2eStack({
      clockFactor: CLOCK_FACTOR,
      policy,
      retryIntervalMs: 100,
      workflowCheckIntervalMs: 1_000,
    });
    const first = e2e;
    const dynamo = first.stack.dynamo;
    const reporter = await first.as('reporter', REPORTER);
    const officer = await first.as('officer');
    const today = shanghaiDateOf(first.stack.clock.now());
    const submission = (index: number): Submission => ({
      key: randomUUID(),
      body: submissionFor('self-demolition', SUBDISTRICT, index, today),
      answers: [],
    });

    // Before: three cases whose workflows now sleep until their deadlines.
    const before = [submission(0), submission(1), submission(2)];
    for (const s of before) await submitUntilCreated(reporter, s);
    const beforeIds = before.map((s) => s.answers.at(-1)?.body.id as string);
    for (const id of beforeIds)
      await eventually(`case ${id} noticed`, async () =>
        (await officer.get(`/cases/${id}`)).body.status === 'NOTICE_ISSUED' ? true : undefined,
      );

    // Submissions arriving one after another, and DynamoDB Local killed while some are half-way.
    const burst = Array.from({ length: 16 }, (_, i) => submission(10 + i));
    const inFlight = burst.map(async (s, i) => {
      await sleep(i * 12);
      const answer = await reporter.post('/cases', s.body, { 'idempotency-key': s.key });
      s.answers.push(answer);
      return answer;
    });
    await sleep(100);
    dynamo.process.kill('SIGKILL');
    const burstAnswers = await Promise.all(inFlight);
    expect(
      burstAnswers.filter((a) => a.status !== 201 && a.status !== 503).map((a) => ({ status: a.status, body: a.body })),
    ).toEqual([]);
    for (const answer of burstAnswers.filter((a) => a.status === 503))
      expectUnavailable(answer, 'a submission in the burst');
    expect(burstAnswers.filter((a) => a.status === 503).length).toBeGreaterThan(0);

    // While it is down: reads, lists, actions and health all say so, with Retry-After.
    expectUnavailable(await officer.get(`/cases/${beforeIds[0]}`), 'a read');
    expectUnavailable(await officer.get(`/cases?subdistrict=${encodeURIComponent(SUBDISTRICT)}`), 'a list');
    expectUnavailable(
      await officer.post(`/cases/${beforeIds[1]}/dismissal`, { reason: 'withdrawn', explanation: '撤回' }),
      'an action',
    );
    expectUnavailable(
      await reporter.post('/cases', submission(99).body, { 'idempotency-key': randomUUID() }),
      'a new submission',
    );
    const health = await first.anonymous.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.parts.dynamodb.up).toBe(false);

    // DynamoDB Local comes back on the same port with the same data folder.
    revived = await startDynamoDbLocal({ dataDir: path.join(first.dataDir, 'dynamodb'), port: dynamo.port });
    await eventually(
      'reads to work again',
      async () => ((await officer.get(`/cases/${beforeIds[0]}`)).status === 200 ? true : undefined),
      30_000,
      200,
    );
    expect((await first.anonymous.get('/health')).status).toBe(200);

    // Every refused submission, replayed with its key, makes exactly one case; acknowledged ones stay.
    for (const s of burst) if (s.answers.at(-1)?.status !== 201) await submitUntilCreated(reporter, s);
    const all = [...before, ...burst];
    const idsByKey = all.map((s) => new Set(s.answers.filter((a) => a.status === 201).map((a) => a.body.id as string)));
    expect(idsByKey.map((ids) => ids.size)).toEqual(all.map(() => 1));
    const ids = idsByKey.map((ids) => [...ids][0] as string);
    const listed = await listArea(await first.as('auditor'), SUBDISTRICT);
    expect(listed.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(repeated(listed.map((c) => c.id))).toEqual({});

    // Nothing half-written: every case's chain verifies against its head, every key names its case, whose intake runs.
    const auditor = await first.as('auditor');
    expect((await verifyHistories(auditor, ids)).filter((v) => !v.ok)).toEqual([]);
    for (const [i, s] of all.entries()) {
      expect((await first.stack.store.intake.getIdempotency(scopedIdempotencyKey(REPORTER, s.key)))?.caseId).toBe(
        ids[i],
      );
      await eventually(`the intake of ${ids[i]} to run`, async () =>
        (await first.stack.engine.executionExists({ caseId: ids[i] ?? '', phase: 'intake', round: 1 }))
          ? true
          : undefined,
      );
    }
    const dismissed = await officer.post(`/cases/${beforeIds[1]}/dismissal`, {
      reason: 'withdrawn',
      explanation: '撤回',
    });
    expect(dismissed.status).toBe(200);

    // The stack restarts on the same data: every open case's workflow runs on to its notice, once.
    await first.stop();
    await revived.stop();
    revived = undefined;
    e2e = await startE2eStack({ clockFactor: CLOCK_FACTOR, policy, retryIntervalMs: 100, dataDir: first.dataDir });
    const second = e2e;
    const table = stackTable(second.stack);
    try {
      const open = ids.filter((id) => id !== beforeIds[1]);
      const officerAgain = await second.as('officer');
      for (const id of open) {
        await eventually(
          `case ${id} to be noticed after the restart`,
          async () => ((await officerAgain.get(`/cases/${id}`)).body.status === 'NOTICE_ISSUED' ? true : undefined),
          30_000,
          200,
        );
      }
      const verdicts = await verifyHistories(await second.as('auditor'), ids);
      expect(verdicts.filter((v) => !v.ok)).toEqual([]);
      for (const v of verdicts) expect({ id: v.id, twice: repeated(v.types) }).toEqual({ id: v.id, twice: {} });
      const noticeNumbers = await Promise.all(open.map(async (id) => (await table.store.getCase(id))?.notice?.number));
      expect(repeated(noticeNumbers.map(String))).toEqual({});
    } finally {
      table.close();
    }
  }, 180_000);
});
